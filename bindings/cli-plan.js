// The CLI's tokens-as-code commands: plan, apply, export (hooked into bindings/cli.js).
//
//   plan   -f FILE [--prune] [--json]   prints the plan; exit 0 no changes, 2 changes, 1 failure
//   apply  -f FILE [--prune] [--yes]    does it, step by step; asks on a terminal, refuses
//                                       without one unless --yes; exit 0 done, 1 failure
//   export                              the org's tokens as a manifest on stdout (no secrets)
//
// A new token's secret goes where its entry's "secret" says ({ "exec": CMD } or { "out": FILE },
// bindings/handover.js, relative to the manifest's folder) and nowhere else: apply refuses a file
// that creates a token without saying where its secret goes.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { handOver, preflight } from './handover.js';
import { describeStep } from './plan.js';

const DAY_MS = 86400e3;

const FILE_HELP = `  -f, --file FILE   the manifest (JSON; see "Tokens as code" in the README)
  --prune           also delete the organization's tokens the file does not list`;

export const PLAN_COMMANDS = {
  plan: {
    args: '',
    options: { file: { type: 'string', short: 'f' }, prune: { type: 'boolean' } },
    summary: 'show what apply would change to make the org\'s tokens match a file',
    help: `${FILE_HELP}
  --json            the plan as JSON
  Exit status: 0 no changes, 2 changes (or wrong usage), 1 the file or the API failed.`,
  },
  apply: {
    args: '',
    options: { file: { type: 'string', short: 'f' }, prune: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
    summary: 'make the org\'s tokens match a file, step by step',
    help: `${FILE_HELP}
  -y, --yes         do not ask; without it a terminal is asked, and anything else is refused
  A new token's secret goes where its entry's "secret" says (exec: a command's stdin, run
  without a shell; out: a new file, mode 0600, never overwritten), relative to the file's folder.
  Stops at the first failure and says what was done and what was not; apply again to go on.`,
  },
  export: {
    args: '',
    options: {},
    summary: 'print the org\'s tokens as a manifest (no secrets: Docker Hub never returns them)',
    help: '  dockerhub-oat export > tokens.json, then plan: no changes.',
  },
};

const parseTime = (s) => (typeof s === 'string' ? Date.parse(s.replace(/(\.\d{3})\d+/, '$1')) : NaN);

/** An expiry as the manifest writes it: "90d" when it is a whole number of days after creation. */
function exportExpiry(t) {
  if (t.expires_at == null) return 'never';
  const span = parseTime(t.expires_at) - parseTime(t.created_at);
  const days = Math.round(span / DAY_MS);
  if (Number.isFinite(span) && days >= 1 && Math.abs(span - days * DAY_MS) <= 60e3)
    return days % 365 === 0 ? `${days / 365}y` : `${days}d`;
  return new Date(parseTime(t.expires_at)).toISOString().replace('.000Z', 'Z');
}

function exportEntry(t) {
  const entry = {};
  if (t.description) entry.description = t.description;
  const res = {};
  for (const r of t.resources ?? []) {
    if (r.type === 'TYPE_REPO' && r.path === '*/*/public') res.public_read = true;
    else if (r.type === 'TYPE_REPO') (res.repositories ??= {})[r.path] = [...r.scopes];
    else if (r.type === 'TYPE_ORG') res.org = [...(res.org ?? []), ...r.scopes];
  }
  if (Object.keys(res).length) entry.resources = res;
  entry.expires = exportExpiry(t);
  if (t.is_active === false) entry.active = false;
  return entry;
}

async function exportManifest(hub, org, io) {
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
      io.stderr.write(`warning: token ${t.id} is labelled ${JSON.stringify(t.label)} like another: left out (labels must be unique)\n`);
      status = 1;
      continue;
    }
    manifest.tokens[t.label] = exportEntry(t);
  }
  io.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  return status;
}

function readManifest(values, UsageError) {
  if (values.file === undefined) throw new UsageError('give the manifest with -f FILE');
  try {
    return { text: readFileSync(values.file, 'utf8'), dir: dirname(resolve(values.file)) };
  } catch (err) {
    throw new UsageError(`cannot read ${values.file}: ${err.code ?? err.message}`);
  }
}

/** The plan, or null after saying why the file was refused. */
async function makePlan(hub, org, values, io, UsageError) {
  const { text, dir } = readManifest(values, UsageError);
  try {
    return { plan: await hub.planAccessTokens(org, text, { prune: values.prune === true }), dir };
  } catch (err) {
    if (err?.code !== 'invalid_argument' || err.line === undefined) throw err;
    io.stderr.write(`error: ${values.file}: ${err.message}\n`);
    return null;
  }
}

function withoutText(plan) {
  const { text: _text, ...rest } = plan;
  return rest;
}

async function confirm(plan, values, io, { UsageError, askLine }) {
  if (values.yes) return true;
  if (!io.stdin.isTTY) throw new UsageError('refusing to apply without --yes: stdin is not a terminal to ask');
  const answer = await askLine(io, `Apply ${plan.changes} change${plan.changes === 1 ? '' : 's'} to ${plan.org}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

/** Every new secret must have somewhere to go, and that place must work: checked before any change. */
function checkHandOvers(plan, dir, io, UsageError) {
  for (const s of plan.steps) {
    if (s.action !== 'create' && s.action !== 'replace') continue;
    const at = `token ${JSON.stringify(s.label)} (line ${s.line})`;
    if (!s.secret) {
      throw new UsageError(`${at} would be created, but the file does not say where its secret goes: `
        + 'add "secret": { "exec": "COMMAND" } or { "out": "FILE" }');
    }
    try {
      preflight(s.secret, { cwd: dir, env: io.env });
    } catch (err) {
      throw new UsageError(`${at}: ${err.message}; nothing was changed`);
    }
  }
}

function stepLine(e) {
  const head = `[${e.index + 1}/${e.count}] ${e.action} ${e.label}${e.id ? ` (${e.id})` : ''}`;
  if (e.status === 'started') return `${head} ...`;
  if (e.status === 'done') return `${head}: done${e.newId ? `, new token ${e.newId}` : ''}`;
  return `${head}: FAILED: ${e.error.code}: ${e.error.message}`;
}

async function apply(hub, org, values, io, helpers) {
  const made = await makePlan(hub, org, values, io, helpers.UsageError);
  if (!made) return 1;
  const { plan, dir } = made;
  const report = values.json ? (s) => io.stderr.write(s) : (s) => io.stdout.write(s);
  report(plan.text);
  if (plan.changes === 0) return 0;
  checkHandOvers(plan, dir, io, helpers.UsageError);
  if (!(await confirm(plan, values, io, helpers))) {
    io.stderr.write('Not applied.\n');
    return 1;
  }
  report('\n');
  const result = await hub.applyAccessTokens(org, plan, {
    onSecret: ({ token, secret }) => handOver(token.token, secret, { cwd: dir }),
    onStep: (e) => report(`${stepLine(e)}\n`),
  });
  if (values.json) {
    const brief = (s) => ({ action: s.action, label: s.label, id: s.id ?? null });
    io.stdout.write(`${JSON.stringify({ ok: result.ok, done: result.done.map(brief), failed: result.failed && brief(result.failed),
      notDone: result.notDone.map(brief), error: result.error && result.error.toJSON?.() }, null, 2)}\n`);
  }
  if (result.ok) {
    report(`\nApplied ${result.done.length} change${result.done.length === 1 ? '' : 's'} to ${org}.\n`);
    return 0;
  }
  const list = (steps) => (steps.length ? steps.map((s) => `  ${describeStep(s)[0].trim()}`).join('\n') : '  (none)');
  io.stderr.write(`\nerror: ${result.error.code}: ${result.error.message}\n`
    + `Done:\n${list(result.done)}\nFailed:\n${list([result.failed])}\nNot done:\n${list(result.notDone)}\n`
    + 'Run plan again to see what is left.\n');
  return 1;
}

/**
 * Runs plan, apply or export. @returns {Promise<number>} the exit status
 * @param {{ UsageError: typeof Error, askLine: Function }} helpers from cli.js
 */
export async function runPlanCommand(command, rest, values, hub, org, io, helpers) {
  if (rest.length) throw new helpers.UsageError(`${command} takes no arguments`);
  if (command === 'export') return exportManifest(hub, org, io);
  if (command === 'apply') return apply(hub, org, values, io, helpers);
  const made = await makePlan(hub, org, values, io, helpers.UsageError);
  if (!made) return 1;
  io.stdout.write(values.json ? `${JSON.stringify(withoutText(made.plan), null, 2)}\n` : made.plan.text);
  return made.plan.changes ? 2 : 0;
}
