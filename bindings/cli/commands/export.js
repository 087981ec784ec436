// export: the org's tokens as a manifest on stdout, oldest first, with no secrets (Docker Hub
// never returns them). `dockerhub-oat export > tokens.json`, then plan: no changes.

import { DAY_MS, parseTime } from '../../time.js';
import { noArgs } from '../args.js';
import { json, printable, quoted } from '../output.js';

/** An expiry as the manifest writes it: "90d" when it is a whole number of days after creation. */
function exportExpiry(t) {
  if (t.expires_at == null) return 'never';
  const span = parseTime(t.expires_at) - parseTime(t.created_at);
  const days = Math.round(span / DAY_MS);
  // A relative expiry only within the year a manifest allows; a longer one (the API has taken
  // them) is written as its date, which a plan leaves alone on the token that has it.
  if (Number.isFinite(span) && days >= 1 && days <= 365 && Math.abs(span - days * DAY_MS) <= 60e3)
    return days % 365 === 0 ? `${days / 365}y` : `${days}d`;
  return new Date(parseTime(t.expires_at)).toISOString().replace('.000Z', 'Z');
}

function exportResources(t) {
  const res = {};
  for (const r of t.resources ?? []) {
    if (r.type === 'TYPE_REPO' && r.path === '*/*/public') res.public_read = true;
    else if (r.type === 'TYPE_REPO') (res.repositories ??= {})[r.path] = [...r.scopes];
    else if (r.type === 'TYPE_ORG') res.org = [...(res.org ?? []), ...r.scopes];
  }
  return res;
}

function exportEntry(t) {
  const entry = {};
  if (t.description) entry.description = t.description;
  const res = exportResources(t);
  if (Object.keys(res).length) entry.resources = res;
  entry.expires = exportExpiry(t);
  if (t.is_active === false) entry.active = false;
  return entry;
}

async function run({ rest, hub, org, io }) {
  noArgs(rest, 'export');
  const tokens = [];
  for await (const t of hub.listAllAccessTokens(org)) tokens.push(t);
  // No prototype: a token labelled "__proto__" is a key like any other, not a setter.
  const manifest = { version: 1, tokens: Object.create(null) };
  let status = 0;
  for (const item of tokens.reverse()) { // oldest first: a file reads in the order tokens were made
    let t;
    try {
      t = await hub.getAccessToken(org, item.id);
    } catch (err) {
      if (err?.code === 'not_found' && err?.status === 404) continue; // deleted since the list: as plan does
      throw err;
    }
    if (Object.hasOwn(manifest.tokens, t.label)) {
      io.stderr.write(`warning: token ${printable(t.id)} is labelled ${quoted(t.label)} like another: left out (labels must be unique)\n`);
      status = 1;
      continue;
    }
    manifest.tokens[t.label] = exportEntry(t);
  }
  io.stdout.write(json(manifest));
  return status;
}

export default {
  name: 'export',
  args: '',
  options: {},
  summary: 'print the org\'s tokens as a manifest (no secrets: Docker Hub never returns them)',
  help: '  dockerhub-oat export > tokens.json, then plan: no changes.',
  run,
};
