// Tokens as code: planAccessTokens and applyAccessTokens. The manifest's parse and the plan's diff
// are the C core's (src/tools/manifest.c, src/tools/plan.c, through src/wasm/wasm_plan.c); this file reads the
// organization, words the plan, and does it. Host-agnostic: no Node module, no global.
//
// Docker Hub's answers are the state: a plan reads every token (the list, then each token for its
// description and resources), so there is no state file and no secret at rest. A new token's
// secret goes to onSecret and nowhere else.
//
// apply, step by step, in the plan's order (the manifest's entries, then the unlisted tokens):
//   create   POST; the secret to onSecret; then PATCH is_active=false if the file says inactive.
//   update   PATCH with the fields that differ.
//   replace  as create, then DELETE the old token (deleted, not deactivated, so that the label
//            stays unique and the next plan has nothing to do).
//   delete   DELETE (only in a plan made with prune).
// It stops at the first failure and resolves with what was done and what was not. A create whose
// answer was lost (maybeCreated) is never sent again: the token may exist, and the next plan finds
// it by its label. Before any change, apply reads the org again and refuses a plan that no longer
// fits it (a second apply of the same plan included).

import { checkOptions } from '../checks.js';
import { scrubFor } from '../client.js';
import { DockerHubError, invalidArgument } from '../errors.js';
import { retiredLabel } from './retired.js';
import { DEFAULT_GRACE_SECONDS } from './rotate.js';
import { closestScopes, ORG_SCOPES, REPO_SCOPES } from '../scopes.js';
import { addRetiredSteps, canonicalToken, splitRetired, stateDigest } from './plan-retired.js';
import { printable, quoted } from '../text.js';
import { parseTime } from '../time.js';

const PLAN_OPTIONS = ['prune', 'now', 'signal'];
const APPLY_OPTIONS = ['onSecret', 'onStep', 'signal', 'now', 'stop'];
const CHANGING = new Set(['create', 'update', 'replace', 'delete', 'rotate']);
const MAKES_TOKEN = new Set(['create', 'replace', 'rotate']);
const GRACE_MS = DEFAULT_GRACE_SECONDS * 1000;

function manifestText(manifest) {
  if (typeof manifest === 'string') return manifest;
  if (manifest && typeof manifest === 'object' && !Array.isArray(manifest))
    return JSON.stringify(manifest, null, 2);
  throw invalidArgument('the manifest must be its JSON text or an object');
}

/** The core's 'unknown scope "x"' refusal, with the catalogue's "did you mean" added. */
function withScopeHint(message) {
  const m = /^(.*?)(org|a repository's scopes): unknown scope "([^"]*)"$/s.exec(message);
  if (!m) return message;
  const near = closestScopes(m[3], m[2] === 'org' ? ORG_SCOPES : REPO_SCOPES);
  return near.length
    ? `${message}; did you mean ${near.map((s) => JSON.stringify(s)).join(' or ')}?`
    : message;
}

/** Calls the C core (the tools module, bindings/tools/tools.js); a refusal becomes invalid_argument with
 * the line in `message` and `line`. */
function corePlan(tools, text, org, tokens, now, prune) {
  if (text.includes('\0')) throw invalidArgument('the manifest may not contain a NUL character');
  const tokensJson = tokens === null ? null : JSON.stringify({ results: tokens });
  const answer = tools.plan(text, org, tokensJson, Math.floor(now / 1000), prune);
  if (answer.error) {
    const err = invalidArgument(withScopeHint(answer.error.message));
    if (answer.error.line > 0) err.line = answer.error.line;
    throw err;
  }
  return JSON.parse(answer.body);
}

/** Every token of the org with its description and resources (a list item has neither). */
async function readTokens(client, org, signal) {
  const callOptions = signal === undefined ? undefined : { signal };
  const tokens = [];
  for await (const t of client.listAllAccessTokens(org, { pageSize: 100, ...callOptions }))
    tokens.push(t);
  const full = [];
  for (const t of tokens) {
    try {
      full.push(await client.getAccessToken(org, t.id, callOptions));
    } catch (err) {
      // Deleted between the list and the read (told by the status, never by a message's words).
      if (!(err instanceof DockerHubError && err.code === 'not_found' && err.status === 404))
        throw err;
    }
  }
  return full;
}

/**
 * The plan that turns the org's tokens into the manifest's.
 * @param {object} client a client from createClient()
 * @param {object} tools the tools module (bindings/tools/tools.js)
 * @param {string} org
 * @param {string|object} manifest its JSON text (errors then name its lines) or an object
 * @param {{ prune?: boolean, now?: number, signal?: AbortSignal }} [options]
 */
export async function planAccessTokens(client, tools, org, manifest, options) {
  const {
    prune = false,
    now = Date.now(),
    signal,
  } = checkOptions(options, PLAN_OPTIONS, 'options');
  if (typeof org !== 'string' || org === '')
    throw invalidArgument('org must be a non-empty string');
  if (typeof prune !== 'boolean') throw invalidArgument('prune must be true or false');
  if (!Number.isFinite(now) || now < 0 || now >= 32503680000e3)
    throw invalidArgument('now must be milliseconds since the epoch, between 1970 and 3000');
  const text = manifestText(manifest);
  corePlan(tools, text, org, null, now, prune); // a broken file is refused before any request
  const tokens = await readTokens(client, org, signal);
  const { live, retired } = splitRetired(tokens);
  const plan = corePlan(tools, text, org, live, now, prune);
  addRetiredSteps(plan, retired, now);
  plan.stateDigest = await stateDigest(tokens);
  plan.text = formatPlan(plan);
  return plan;
}

// ---------------------------------------------------------------- words

const short = (scope) => scope.replace(/^scope-/, '');
const when = (s) => {
  const t = parseTime(s);
  return Number.isFinite(t)
    ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}Z`
    : 'never';
};

function resourceLines(resources) {
  if (!resources?.length) return ['(none)'];
  return resources.map((r) => {
    const path = printable(r.path);
    const where =
      r.path === '*/*/public'
        ? 'public repositories'
        : r.type === 'TYPE_ORG'
          ? `org ${path}`
          : path;
    return `${where}: ${printable(r.scopes.map(short).join(', '))}`;
  });
}

function field(name, value) {
  return `    ${`${name}:`.padEnd(13)}${value}`;
}

function resourceDiff(before, after) {
  const key = (r) => `${r.type} ${r.path}: ${[...r.scopes].sort().join(',')}`;
  const had = new Set((before ?? []).map(key));
  const has = new Set(after.map(key));
  const lines = [];
  for (const r of before ?? []) if (!has.has(key(r))) lines.push(`- ${resourceLines([r])[0]}`);
  for (const r of after) if (!had.has(key(r))) lines.push(`+ ${resourceLines([r])[0]}`);
  return lines;
}

/** Where a new secret goes, as apply will do it: a command always run without a shell (a manifest
 * cannot ask for one), a file by its resolved path when the plan knows its folder (`outPath`). */
function secretWords(secret, outPath) {
  if (!secret) return 'the file does not say where (the CLI and the dashboard refuse this entry)';
  if (secret.exec !== undefined)
    return `to the command ${printable(secret.exec)} (run without a shell)`;
  return `to the file ${printable(outPath ? outPath(secret.out) : secret.out)}`;
}

function wantedLines(step, outPath) {
  const r = step.request;
  const lines = [];
  if (r.description) lines.push(field('description', quoted(r.description)));
  lines.push(
    field('expires', `${printable(step.expires)}${r.expires_at ? ` (${when(r.expires_at)})` : ''}`),
  );
  resourceLines(r.resources).forEach((l, i) =>
    lines.push(i ? `${' '.repeat(17)}${l}` : field('resources', l)),
  );
  if (!step.active) lines.push(field('active', 'false'));
  lines.push(field('secret', secretWords(step.secret, outPath)));
  return lines;
}

function changeLines(step) {
  const b = step.before;
  const r = step.request ?? {};
  const lines = [];
  if (step.changes.includes('label'))
    lines.push(field('label', `${quoted(b.label)} -> ${quoted(step.label)}`));
  if (step.changes.includes('description'))
    lines.push(field('description', `${quoted(b.description ?? '')} -> ${quoted(r.description)}`));
  if (step.changes.includes('resources')) {
    resourceDiff(b.resources, r.resources).forEach((l, i) =>
      lines.push(i ? `${' '.repeat(17)}${l}` : field('resources', l)),
    );
  }
  if (step.changes.includes('active'))
    lines.push(field('active', `${b.is_active} -> ${step.active}`));
  if (step.changes.includes('expiry'))
    lines.push(field('expires', `${when(b.expires_at)} -> ${printable(step.expires)}`));
  return lines;
}

/**
 * The steps that make a token whose entry says nothing of where its new secret goes, each as the
 * words of a refusal ("line 3: token ..."). The CLI's plan and apply and the dashboard's plan
 * refuse a file with one: its secret would have nowhere to go, so a plan that passed in CI would
 * fail at apply.
 */
export function secretlessEntries(plan) {
  return plan.steps
    .filter((s) => MAKES_TOKEN.has(s.action) && !s.secret)
    .map(
      (s) =>
        `line ${s.line}: token ${quoted(s.label)} ` +
        `would be ${s.action === 'create' ? 'created' : s.action === 'replace' ? 'replaced by a new token' : 'rotated into a new token'}, ` +
        'but the file does not say where its secret goes: add "secret": { "exec": "COMMAND" } or { "out": "FILE" }',
    );
}

const where = (step) => (step.line ? `  (line ${step.line})` : '');

/** One plan step in words: a head line and what changes. `outPath` resolves a hand-over file's
 * name to the path apply writes (a saved plan's folder), so the reviewer reads the real place. */
export function describeStep(step, outPath) {
  // The label and id are the file's or the org's text: shown escaped (bindings/text.js), so one
  // holding ESC, CR or a line break cannot rewrite or forge a line of the plan.
  const label = printable(step.label);
  const named = `${label} (${printable(step.id)})`;
  switch (step.action) {
    case 'create':
      return [`+ create ${label}${where(step)}`, ...wantedLines(step, outPath)];
    case 'update':
      if (step.retired)
        return [
          `~ deactivate ${named}: retired, its overlap ended${step.retired.activeUntil ? ` ${when(step.retired.activeUntil)}` : ''}`,
        ];
      return [`~ update ${named}${where(step)}`, ...changeLines(step)];
    case 'replace':
      return [
        `-/+ replace ${named}${where(step)}`,
        ...changeLines(step),
        ...wantedLines(step, outPath).filter((l) => /^ {4}secret:/.test(l)),
        '    (Docker Hub cannot change an expiry: a new token is created, its secret handed over, then the old one deleted)',
      ];
    case 'rotate':
      return [
        `~> rotate ${named}${where(step)}: rotate_every ${printable(step.rotate_every)}, due since ${when(step.rotation_due)}`,
        ...changeLines(step),
        ...wantedLines(step, outPath).filter((l) => /^ {4}(expires|secret):/.test(l)),
        '    (verified: a new token, signed in with, handed over; then the old one relabelled ~retired, deactivated, deleted after 7 days)',
      ];
    case 'delete':
      if (step.retired)
        return [`- delete ${named}: retired, its grace ended ${when(step.retired.deleteAfter)}`];
      return [`- delete ${named}, last used ${when(step.before.last_used_at)}`];
    case 'retired':
      return [
        `  retired ${named}: deleted by an apply or prune after ${when(step.retired.deleteAfter)}`,
      ];
    case 'unmanaged':
      return [`? unmanaged ${named}: not in the file, left alone (--prune deletes it)`];
    default:
      return [`  unchanged ${named}`];
  }
}

/** How many steps of each kind. */
export function countSteps(plan) {
  const n = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    unmanaged: 0,
    unchanged: 0,
    retired: 0,
    rotate: 0,
  };
  for (const s of plan.steps) n[s.action]++;
  return n;
}

/** The plan as a diff for people (`outPath`: see describeStep). */
export function formatPlan(plan, outPath) {
  const n = countSteps(plan);
  const head =
    plan.changes === 0
      ? `No changes: the tokens of ${plan.org} match the file.`
      : `Plan for ${plan.org}: ${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete${n.rotate ? `, ${n.rotate} to rotate` : ''}.`;
  const lines = plan.steps
    .filter((s) => s.action !== 'unchanged' && s.action !== 'retired')
    .flatMap((s) => describeStep(s, outPath));
  const tail = [];
  if (n.unchanged) tail.push(`${n.unchanged} unchanged.`);
  if (n.unmanaged) tail.push(`${n.unmanaged} unmanaged (not in the file).`);
  if (n.retired) tail.push(`${n.retired} retired by a rotation, in their grace.`);
  const schedule = plan.steps
    .filter((s) => s.rotation_due && s.action !== 'rotate')
    .map(
      (s) =>
        `  ${printable(s.label)}: rotate_every ${printable(s.rotate_every)}, next due ${when(s.rotation_due)}`,
    );
  if (schedule.length) tail.push(['Rotation schedule:', ...schedule].join('\n'));
  return `${[head, ...(lines.length ? ['', ...lines] : []), ...(tail.length ? ['', tail.join(' ')] : [])].join('\n')}\n`;
}

// ---------------------------------------------------------------- apply

function checkPlan(plan, org) {
  if (
    !plan ||
    typeof plan !== 'object' ||
    !Array.isArray(plan.steps) ||
    typeof plan.changes !== 'number'
  )
    throw invalidArgument('plan must be what planAccessTokens returned');
  if (plan.org !== org)
    throw invalidArgument(
      `the plan is for ${JSON.stringify(plan.org)}, not ${JSON.stringify(org)}`,
    );
  for (const s of plan.steps) {
    if (!s || typeof s.action !== 'string')
      throw invalidArgument('plan must be what planAccessTokens returned');
    const what = `the plan's ${s.action} of ${JSON.stringify(s.label)}`;
    if (
      ['create', 'update', 'replace', 'rotate'].includes(s.action) &&
      (!s.request || typeof s.request !== 'object')
    )
      throw invalidArgument(`${what} has no request`);
    if (
      ['update', 'replace', 'delete', 'rotate'].includes(s.action) &&
      (typeof s.id !== 'string' || !s.before)
    )
      throw invalidArgument(`${what} does not name the token it changes`);
  }
}

/** Refuses, before any change, a plan the org no longer fits. A plan that carries the digest of
 * the tokens it was made from (planAccessTokens adds it) fits only an org whose tokens still give
 * that digest: a token changed, appeared or went, and the plan is refused. So is the same plan
 * applied twice, since its first apply changed the tokens. Without a digest: a label to create is
 * taken, a token to change or delete is gone or relabelled. */
async function checkStillFits(client, org, plan, steps, signal) {
  if (typeof plan.stateDigest === 'string') {
    const tokens = await readTokens(client, org, signal);
    if ((await stateDigest(tokens)) !== plan.stateDigest) {
      throw new DockerHubError(
        'conflict',
        "the organization's tokens changed since this plan was made (a token " +
          'changed, appeared or went, or this plan was applied already); nothing was changed: plan again',
      );
    }
    checkBefore(steps, tokens);
    return;
  }
  const now = [];
  for await (const t of client.listAllAccessTokens(org, {
    pageSize: 100,
    ...(signal ? { signal } : {}),
  }))
    now.push(t);
  const byId = new Map(now.map((t) => [t.id, t]));
  for (const s of steps) {
    const stale =
      s.action === 'create'
        ? now.some((t) => t.label === s.label)
        : !byId.has(s.id) || byId.get(s.id).label !== s.before.label;
    if (stale) {
      throw new DockerHubError(
        'conflict',
        `the organization's tokens changed since this plan was made ` +
          `(${s.action} ${JSON.stringify(s.label)} no longer fits); nothing was changed: plan again`,
      );
    }
  }
}

/** Each step's `before` (what the plan prints as the token's present state, and what a rotation
 * relabels) must be the token's as apply reads it: a plan whose words about a token are not the
 * org's is refused before any change. */
function checkBefore(steps, tokens) {
  const byId = new Map(tokens.map((t) => [t.id, t]));
  const seen = (t) => canonicalToken(t);
  for (const s of steps) {
    if (s.action === 'create') continue;
    const t = byId.get(s.id);
    if (!t || !s.before || seen(t) !== seen({ id: t.id, ...s.before })) {
      throw new DockerHubError(
        'conflict',
        `the plan's ${s.action} of ${quoted(s.label)} does not describe the token ` +
          `${printable(s.id)} as it is; nothing was changed: plan again`,
      );
    }
  }
}

async function handOver(onSecret, step, created) {
  await onSecret({
    label: step.label,
    id: created.id,
    token: created,
    secret: step.secret ?? null,
  });
}

/** Runs one changing step; returns what the step made (the new token's id), if anything. */
async function runStep(client, org, step, { onSecret, signal, madeSecrets, now }) {
  const callOptions = signal === undefined ? undefined : { signal };
  switch (step.action) {
    case 'update':
      await client.updateAccessToken(org, step.id, step.request, callOptions);
      return {};
    case 'delete':
      await client.deleteAccessToken(org, step.id, callOptions);
      return {};
    default: {
      // The phases of a rotation (bindings/tools/rotate.js): create, sign in with it, hand it over, and
      // only then touch the old token. Not cancellable once sent: an aborted create could happen.
      const created = await client.createAccessToken(org, step.request);
      madeSecrets.push(created.token);
      await proveAndHandOver(client, org, onSecret, step, created);
      if (!step.active) await client.updateAccessToken(org, created.id, { is_active: false });
      if (step.action !== 'create') {
        try {
          if (step.action === 'replace') await client.deleteAccessToken(org, step.id);
          else
            await client.updateAccessToken(org, step.id, {
              label: retiredLabel(step.before.label, { deleteAfter: now + GRACE_MS }),
              is_active: false,
            });
        } catch (err) {
          throw oldNotRetired(step, created, err);
        }
      }
      return { newId: created.id };
    }
  }
}

/** Sign in with the new token, then hand it over; a failure deletes it again (the old token, if
 * any, was not touched) and throws an error that says exactly that. */
async function proveAndHandOver(client, org, onSecret, step, created) {
  let phase = 'verify';
  try {
    if (
      typeof client.verifyAccessToken === 'function' &&
      !(await client.verifyAccessToken(org, created.token, created.id))
    )
      throw new DockerHubError('unauthorized', 'Docker Hub refused to sign in with it', {
        status: 401,
      });
    phase = 'handover';
    await handOver(onSecret, step, created);
  } catch (err) {
    let undone = true;
    try {
      await client.deleteAccessToken(org, created.id);
    } catch {
      undone = false;
    }
    const why = err instanceof Error ? err.message : String(err);
    const old =
      step.action === 'create' ? '' : `; the old token ${step.id} was not touched and still works`;
    const code =
      phase === 'handover' && !(err instanceof DockerHubError)
        ? 'handover_failed'
        : (err?.code ?? 'invalid_response');
    const e = new DockerHubError(
      code,
      `the new token ${created.id} (${JSON.stringify(step.label)}) ` +
        `${
          err?.code === 'aborted'
            ? `was interrupted before it ${phase === 'verify' ? 'was proved by a sign-in' : 'was handed over'}`
            : `${phase === 'verify' ? 'could not sign in' : 'could not be handed over'}: ${why}`
        }; ` +
        `${undone ? 'it was deleted again' : `it could not be deleted again: delete it`}${old}`,
      { status: err?.status },
    );
    Object.assign(e, { newId: created.id, undone, phase });
    throw e;
  }
}

/** The new token is in place and its secret handed over; only the old one is left to retire. */
function oldNotRetired(step, created, err) {
  const what = step.action === 'replace' ? 'deleted' : 'relabelled and deactivated';
  const e = new DockerHubError(
    err?.code ?? 'invalid_response',
    `the new token ${created.id} is in place and its secret ` +
      `handed over, but the old token ${step.id} could not be ${what} (${err?.message ?? 'no reason given'}); ` +
      `${step.action === 'replace' ? 'delete' : 'deactivate'} it, then plan again`,
    { status: err?.status },
  );
  e.newId = created.id;
  return e;
}

function lostCreateMessage(step, err) {
  const replace =
    step.action === 'replace'
      ? `; the old token ${step.id} is kept, so the next plan may see two tokens labelled "${step.label}": delete the newer one`
      : '';
  return (
    `${err.message}. It is not sent again: if the token "${step.label}" was created, the next plan finds it ` +
    `by its label, but its secret is lost: rotate it (or delete it and apply again)${replace}`
  );
}

/**
 * Does a plan. Resolves with { ok, done, failed, notDone, error } (it stops at the first failure);
 * rejects only when the plan or the options are refused, or the org no longer fits the plan.
 * @param {object} client
 * @param {string} org
 * @param {object} plan from planAccessTokens
 * @param {{ onSecret?: Function, onStep?: Function, signal?: AbortSignal }} [options]
 */
export async function applyAccessTokens(client, org, plan, options) {
  const {
    onSecret,
    onStep,
    signal,
    now = Date.now(),
    stop,
  } = checkOptions(options, APPLY_OPTIONS, 'options');
  if (!Number.isFinite(now)) throw invalidArgument('now must be milliseconds since the epoch');
  checkPlan(plan, org);
  if (onStep !== undefined && typeof onStep !== 'function')
    throw invalidArgument('onStep must be a function');
  if (onSecret !== undefined && typeof onSecret !== 'function')
    throw invalidArgument('onSecret must be a function');
  const steps = plan.steps.filter((s) => CHANGING.has(s.action));
  if (steps.some((s) => MAKES_TOKEN.has(s.action)) && !onSecret)
    throw invalidArgument('the plan creates tokens: give onSecret, or their secrets would be lost');
  // A reporter that throws must not change what apply does, nor make a done step look failed.
  const report = (e) => {
    try {
      const r = onStep?.(e);
      if (typeof r?.then === 'function') r.then(undefined, () => {}); // an async one's rejection too
    } catch {
      /* ignored: see above */
    }
  };
  const result = { ok: true, done: [], failed: null, notDone: [], error: null };
  if (steps.length === 0) return result;
  const madeSecrets = []; // a later error that echoes one is scrubbed of it
  if (signal?.aborted)
    throw new DockerHubError('aborted', 'the apply was aborted before it started');
  await checkStillFits(client, org, plan, steps, signal);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const event = {
      index: i,
      count: steps.length,
      action: step.action,
      label: step.label,
      id: step.id ?? null,
    };
    if (stop?.aborted) {
      // A safe point: the step before finished; this one never started.
      Object.assign(result, {
        ok: false,
        stopped: true,
        notDone: steps.slice(i),
        error: new DockerHubError(
          'aborted',
          `stopped before step ${i + 1} of ${steps.length}; the steps before it are done`,
        ),
      });
      return result;
    }
    try {
      if (signal?.aborted) throw new DockerHubError('aborted', 'the apply was aborted');
      report({ ...event, status: 'started' });
      const made = await runStep(client, org, step, { onSecret, signal, madeSecrets, now });
      result.done.push(step);
      report({ ...event, ...made, status: 'done' });
    } catch (caught) {
      let err =
        caught instanceof DockerHubError
          ? caught
          : new DockerHubError('invalid_response', caught?.message ?? 'the step failed');
      if (err.maybeCreated) {
        err = new DockerHubError(err.code, lostCreateMessage(step, err), {
          status: err.status,
          maybeCreated: true,
        });
      }
      err = scrubFor(client, err, madeSecrets);
      Object.assign(result, { ok: false, failed: step, error: err, notDone: steps.slice(i + 1) });
      report({ ...event, status: 'failed', error: err });
      return result;
    }
  }
  return result;
}
