// Verified, dual-phase rotation of an organization access token. Each phase is reported to
// onPhase ({ phase, status: 'started' | 'done' | 'failed', ... }) as it happens:
//   read      GET the old token (label, description, resources, created_at, expires_at).
//   create    POST a new token with the old one's label, description and resources (or the
//             description asked for), expiring at `expiresAt` or, by default, as far ahead of now
//             as the old one's span was (old expires_at - old created_at): its lifetime exactly,
//             so a relative "expires": "90d" in a manifest still matches it.
//   verify    sign in with the new secret as the org (POST /v2/auth/token, client.verifyAccessToken)
//             before anyone relies on it.
//   handover  `handOver(token)`, if given: the caller puts the secret where it is used.
//   retire    one PATCH relabels the old token (bindings/tools/retired.js: the grace, and any overlap,
//             written in the label) and, unless it keeps an overlap, deactivates it; or a DELETE.
//             So the org holds exactly one token with the label afterwards: the new one.
//   undo      only after a failed verify or hand-over: DELETE the new token again.
// A retired token is deleted by a later prune or apply once its grace is over (and deactivated by
// one once its overlap is over): see retiredDue.
//
// Guarantees: the old token is active and working until the retire. A failure before it rejects
// with a DockerHubError whose `phase` says where; a new token never handed over is deleted again
// (`undone: true`; when even that fails, `undone: false` and the message names the token to
// delete). A failed retire does not reject: the new token is in place and handed over, so the
// call resolves with retired: false and retireError, and the old token keeps its label.
//
// Cancellation: an abort before the create rejects with nothing done. The POST, once sent, is not
// cancelled (an aborted create could still happen on the server, and its secret would be lost);
// an abort after it and before the hand-over undoes the new token; once the secret is handed over
// the retire (one request) is done anyway, since stopping there would leave one label on two
// tokens.
//
// Clock: "now" is this machine's clock (or options.now). A one-year token rotated from a machine
// whose clock runs ahead of Docker Hub's may be refused (400); the old token is then untouched.

import { checkOptions } from '../checks.js';
import { scrubFor } from '../client.js';
import { DockerHubError, invalidArgument } from '../errors.js';
import { ceilMinute, parseRetired, retiredLabel } from './retired.js';
import { quoted } from '../text.js';
import { parseTime } from '../time.js';

/** What becomes of the old token; the first is the default. */
export const RETIRE_MODES = /* @__PURE__ */ Object.freeze(['deactivate', 'delete', 'keep']);
export const DEFAULT_GRACE_SECONDS = 7 * 86400;
const OPTION_KEYS = [
  'retire',
  'signal',
  'expiresAt',
  'description',
  'overlapSeconds',
  'graceSeconds',
  'verify',
  'handOver',
  'onPhase',
  'now',
];
const MAX_SECONDS = 10 * 365 * 86400;

/** The create request for the new token: the old one's label, description, resources and span. */
export function newTokenRequest(old, now, { expiresAt, description } = {}) {
  const request = { label: old.label };
  const text = description ?? old.description;
  if (typeof text === 'string' && text !== '') request.description = text;
  if (Array.isArray(old.resources)) {
    request.resources = old.resources.map(({ type, path, scopes }) => ({
      type,
      path,
      scopes: [...scopes],
    }));
  }
  if (expiresAt !== undefined) {
    request.expires_at = expiresAt;
  } else if (old.expires_at == null) {
    request.expires_at = null;
  } else {
    const span = parseTime(old.expires_at) - parseTime(old.created_at);
    if (!Number.isFinite(span) || span <= 0) {
      throw new DockerHubError(
        'invalid_response',
        'the old token has no usable created_at/expires_at, so its expiry span is unknown; nothing was changed',
      );
    }
    request.expires_at = new Date(now + span).toISOString();
  }
  return request;
}

const seconds = (v, name) => {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 0 || v > MAX_SECONDS)
    throw invalidArgument(`${name} must be a whole number of seconds from 0 to ${MAX_SECONDS}`);
  return v;
};

/** The rotation's options, checked, with the defaults filled in. */
function rotateOptions(options) {
  const o = { ...checkOptions(options, OPTION_KEYS, 'options') };
  o.retire ??= 'deactivate';
  o.verify ??= true;
  if (!RETIRE_MODES.includes(o.retire))
    throw invalidArgument(`retire must be one of ${RETIRE_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (
    o.expiresAt !== undefined &&
    o.expiresAt !== null &&
    !(typeof o.expiresAt === 'string' && Number.isFinite(parseTime(o.expiresAt)))
  )
    throw invalidArgument('expiresAt must be an RFC 3339 date-time or null (never)');
  if (o.description !== undefined && typeof o.description !== 'string')
    throw invalidArgument('description must be a string');
  o.overlapSeconds = seconds(o.overlapSeconds, 'overlapSeconds');
  o.graceSeconds = seconds(o.graceSeconds, 'graceSeconds') ?? DEFAULT_GRACE_SECONDS;
  if (o.overlapSeconds !== undefined && o.retire !== 'deactivate')
    throw invalidArgument("overlapSeconds goes with retire 'deactivate' only");
  if (o.overlapSeconds > o.graceSeconds)
    throw invalidArgument('overlapSeconds may not be longer than graceSeconds');
  if (typeof o.verify !== 'boolean') throw invalidArgument('verify must be true or false');
  for (const f of ['handOver', 'onPhase']) {
    if (o[f] !== undefined && typeof o[f] !== 'function')
      throw invalidArgument(`${f} must be a function`);
  }
  o.now ??= Date.now();
  if (!Number.isFinite(o.now)) throw invalidArgument('now must be milliseconds since the epoch');
  return o;
}

/** A reporter that throws (or rejects) changes nothing of what the rotation does. */
function reporter(onPhase) {
  return (e) => {
    try {
      const r = onPhase?.(e);
      if (typeof r?.then === 'function') r.then(undefined, () => {});
    } catch {
      /* see above */
    }
  };
}

const toDockerHubError = (err, what) =>
  err instanceof DockerHubError
    ? err
    : new DockerHubError('invalid_response', `${what}: ${err?.message ?? 'no reason given'}`);

/** A token a rotation retired already (LABEL~retired~...) is not rotated again: its replacement
 * holds LABEL, and a second rotation would make another live LABEL and a ~retired~...~retired~ one. */
function refuseRetired(old) {
  const r = parseRetired(old.label);
  if (!r) return;
  throw invalidArgument(
    `token ${old.id} (${quoted(old.label)}) was retired by a rotation already: the token labelled ` +
      `${quoted(r.label)} replaced it. Rotate that one instead, or delete this one now (dockerhub-oat delete ${old.id} --yes); ` +
      `otherwise an apply or prune deletes it after ${new Date(r.deleteAfter).toISOString()}. Nothing was changed`,
  );
}

/** The PATCH (or DELETE) of the retire phase, and what it made of the old token. */
function retirePlan(old, o) {
  if (o.retire === 'delete') return { as: 'deleted', label: null, request: null };
  const deleteAfter = ceilMinute(o.now + o.graceSeconds * 1000);
  const overlap = o.retire === 'keep' ? o.graceSeconds : o.overlapSeconds;
  const activeUntil = overlap === undefined ? undefined : ceilMinute(o.now + overlap * 1000);
  const label = retiredLabel(old.label, { deleteAfter, activeUntil });
  const request = activeUntil === undefined ? { label, is_active: false } : { label };
  return {
    as: activeUntil === undefined ? 'deactivated' : 'overlap',
    label,
    request,
    deleteAfter,
    activeUntil,
  };
}

/**
 * Rotates an organization access token. See the header for the phases and the guarantees.
 * @param {import('../index').Client} client
 * @param {string} org
 * @param {string} id the old token's id
 * @param {import('../index').RotateOptions} [options]
 * @returns {Promise<import('../index').RotateResult>}
 */
export async function rotateAccessToken(client, org, id, options = {}) {
  const o = rotateOptions(options);
  if (
    !client ||
    typeof client.getAccessToken !== 'function' ||
    typeof client.createAccessToken !== 'function'
  )
    throw invalidArgument('client must be a client from createClient()');
  if (o.verify && typeof client.verifyAccessToken !== 'function')
    throw invalidArgument('client must be a client from createClient()');
  if (typeof org !== 'string' || org === '')
    throw invalidArgument('org must be a non-empty string');
  if (typeof id !== 'string' || id === '') throw invalidArgument('id must be a non-empty string');
  const { signal } = o;
  const callOptions = signal === undefined ? undefined : { signal };
  const report = reporter(o.onPhase);

  report({ phase: 'read', status: 'started', id });
  const old = await client.getAccessToken(org, id, callOptions);
  report({ phase: 'read', status: 'done', id });
  refuseRetired(old);
  if (signal?.aborted)
    throw new DockerHubError(
      'aborted',
      'the rotation was aborted before the new token was created; nothing was changed',
    );
  const request = newTokenRequest(old, o.now, o);
  report({ phase: 'create', status: 'started', id });
  let token;
  try {
    token = await client.createAccessToken(org, request); // not cancellable once sent: see the header
  } catch (err) {
    report({ phase: 'create', status: 'failed', id, error: err });
    throw err;
  }
  report({ phase: 'create', status: 'done', id, newId: token.id });
  await proveAndHandOver(client, org, old, token, o, report);
  const retire = retirePlan(old, o);
  const retireError = await retireToken(client, org, id, retire, token.token, report);
  const done = !retireError;
  return {
    token,
    old: { id: old.id, label: old.label },
    retired: done,
    retiredAs: done ? retire.as : null,
    retiredLabel: done ? retire.label : null,
    activeUntil:
      done && retire.activeUntil !== undefined ? new Date(retire.activeUntil).toISOString() : null,
    deleteAfter:
      done && retire.deleteAfter !== undefined ? new Date(retire.deleteAfter).toISOString() : null,
    retireError,
  };
}

/** Phases verify and handover; on a failure, the new token is deleted again and the call rejects. */
async function proveAndHandOver(client, org, old, token, o, report) {
  let phase = 'verify';
  try {
    if (o.signal?.aborted) throw new DockerHubError('aborted', 'the rotation was aborted');
    if (o.verify) {
      report({ phase, status: 'started', id: old.id, newId: token.id });
      const ok = await client.verifyAccessToken(
        org,
        token.token,
        token.id,
        o.signal ? { signal: o.signal } : undefined,
      );
      if (!ok)
        throw new DockerHubError('unauthorized', 'Docker Hub refused to sign in with it', {
          status: 401,
        });
      report({ phase, status: 'done', id: old.id, newId: token.id });
    }
    if (o.signal?.aborted) throw new DockerHubError('aborted', 'the rotation was aborted');
    if (o.handOver) {
      phase = 'handover';
      report({ phase, status: 'started', id: old.id, newId: token.id });
      await o.handOver(token);
      report({ phase, status: 'done', id: old.id, newId: token.id });
    }
  } catch (caught) {
    const err = scrubFor(
      client,
      phase === 'handover' && !(caught instanceof DockerHubError)
        ? new DockerHubError('handover_failed', caught?.message ?? 'no reason given')
        : toDockerHubError(caught, `the ${phase} failed`),
      [token.token],
    );
    report({ phase, status: 'failed', id: old.id, newId: token.id, error: err });
    throw scrubFor(client, await undo(client, org, old, token, phase, err, report), [token.token]); // it names token.id
  }
}

const FAILED = { verify: 'could not sign in', handover: 'could not be handed over' };

/** Deletes a new token never handed over; the error says exactly what is left. */
async function undo(client, org, old, token, phase, err, report) {
  report({ phase: 'undo', status: 'started', id: old.id, newId: token.id });
  let undone = true;
  let why = '';
  try {
    await client.deleteAccessToken(org, token.id);
    report({ phase: 'undo', status: 'done', id: old.id, newId: token.id });
  } catch (e) {
    undone = false;
    why = scrubFor(client, toDockerHubError(e, 'the delete failed'), [token.token]).message;
    report({ phase: 'undo', status: 'failed', id: old.id, newId: token.id });
  }
  // An abort is the user's (Ctrl-C, a signal), not a failure of the new token: say so.
  const what =
    err.code === 'aborted'
      ? `the rotation was interrupted before the new token ${token.id} ${phase === 'verify' ? 'was proved by a sign-in' : 'was handed over'}`
      : `the new token ${token.id} ${FAILED[phase]} (${err.code}: ${err.message})`;
  const left = undone
    ? `so it was deleted again; the old token ${old.id} is untouched and still works`
    : `and it could not be deleted again (${why}): delete it; the old token ${old.id} is untouched and still works`;
  const out = new DockerHubError(err.code, `${what}, ${left}`, { status: err.status });
  Object.assign(out, { phase, newId: token.id, undone });
  return out;
}

/**
 * The retire phase alone: `retire` from retirePlan. `newSecret`, the new token's value, is
 * scrubbed from the error: a server may echo it. Not cancellable (see the header).
 * @returns {Promise<DockerHubError|null>} why it failed, or null
 */
export async function retireToken(client, org, id, retire, newSecret, report = () => {}) {
  report({ phase: 'retire', status: 'started', id, as: retire.as, label: retire.label });
  try {
    if (retire.request === null) await client.deleteAccessToken(org, id);
    else await client.updateAccessToken(org, id, retire.request);
    report({ phase: 'retire', status: 'done', id, as: retire.as, label: retire.label });
    return null;
  } catch (err) {
    const e = scrubFor(
      client,
      toDockerHubError(err, 'retiring the old token failed'),
      newSecret ? [newSecret] : [],
    );
    report({ phase: 'retire', status: 'failed', id, error: e });
    return e;
  }
}

export { retirePlan };
