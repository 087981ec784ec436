// The export: an organization's tokens as a manifest ("Tokens as code" in the README), oldest
// first, with no secrets (Docker Hub never returns them). One implementation for the CLI's
// `export` (bindings/cli/commands/export.js) and the dashboard's "Download tokens.json"
// (web/dashboard/tokens-as-code.js). Host-agnostic: no Node module, no global.

import { DAY_MS, parseTime } from '../time.js';
import { parseRetired } from './retired.js';

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

/** One token (as getAccessToken gives it) as the manifest's entry. */
export function exportEntry(t) {
  const entry = {};
  if (t.description) entry.description = t.description;
  const res = exportResources(t);
  if (Object.keys(res).length) entry.resources = res;
  entry.expires = exportExpiry(t);
  if (t.is_active === false) entry.active = false;
  return entry;
}

/**
 * The org's tokens as a manifest. A token whose label an older one already holds is left out
 * (labels must be unique in a manifest) and named in `skipped`, for the caller to warn about.
 * A token a rotation retired (LABEL~retired~..., bindings/tools/retired.js) is left out and named in
 * `retired`: it is the rotation's to finish (prune or apply deletes it after its grace), not the
 * file's, and a file that listed it would re-create it once it is gone.
 * @param {import('../index').Client} hub
 * @param {string} org
 * @returns {Promise<{ manifest: { version: 1, tokens: Record<string, object> },
 *                     skipped: { id: string, label: string }[], retired: { id: string, label: string }[] }>}
 */
export async function exportAccessTokens(hub, org) {
  const tokens = [];
  for await (const t of hub.listAllAccessTokens(org)) tokens.push(t);
  // No prototype: a token labelled "__proto__" is a key like any other, not a setter.
  const manifest = { version: 1, tokens: Object.create(null) };
  const skipped = [];
  const retired = [];
  for (const item of tokens.reverse()) {
    // oldest first: a file reads in the order tokens were made
    if (parseRetired(item.label)) {
      retired.push({ id: item.id, label: item.label });
      continue;
    }
    let t;
    try {
      t = await hub.getAccessToken(org, item.id);
    } catch (err) {
      if (err?.code === 'not_found' && err?.status === 404) continue; // deleted since the list: as plan does
      throw err;
    }
    if (Object.hasOwn(manifest.tokens, t.label)) skipped.push({ id: t.id, label: t.label });
    else manifest.tokens[t.label] = exportEntry(t);
  }
  return { manifest, skipped, retired };
}
