// Rotation of an organization access token: a new token like the old one, then the old one retired.
//
// Order and guarantees ("nothing is lost either way"):
//   1. GET the old token (label, description, resources, created_at, expires_at).
//   2. POST a new token with the same label, description and resources, and an expiry as far ahead
//      of now as the old token's span was (old expires_at - old created_at), or none if the old one
//      never expires. If this fails, the old token is untouched and the DockerHubError propagates.
//   3. Retire the old one: 'deactivate' (PATCH is_active=false, the default), 'delete', or 'keep'.
//      If this fails, the call still resolves, with the new token (and its secret, shown only this
//      once) and retired: false, retireError: <the DockerHubError>. The caller can retry the retire.
//
// Cancellation: the signal stops the GET and the retire. Once the POST is sent it is not cancelled:
// an aborted create could have happened on the server and its secret would then be lost. An abort
// during the create therefore takes effect right after it: the old token is left as it is and the
// call resolves with the new token and retireError { code: 'aborted' }.
//
// Clock: "now" is this machine's clock. A one-year token rotated from a machine whose clock runs
// ahead of Docker Hub's may be refused (400, expiry too far ahead); the old token is then untouched.

import { DockerHubError, invalidArgument, scrubSecrets } from './errors.js';
import { parseTime } from './time.js';

/** What becomes of the old token; the first is the default. */
export const RETIRE_MODES = /* @__PURE__ */ Object.freeze(['deactivate', 'delete', 'keep']);
const OPTION_KEYS = ['retire', 'signal'];

/** The create request for the new token: the old one's label, description, resources and span. */
function newTokenRequest(old, now) {
  const request = { label: old.label };
  if (typeof old.description === 'string' && old.description !== '') request.description = old.description;
  if (Array.isArray(old.resources)) {
    request.resources = old.resources.map(({ type, path, scopes }) => ({ type, path, scopes: [...scopes] }));
  }
  if (old.expires_at == null) {
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

/**
 * Rotates an organization access token.
 * @param {import('./index').Client} client
 * @param {string} org
 * @param {string} id the old token's id
 * @param {{ retire?: 'deactivate'|'delete'|'keep', signal?: AbortSignal }} [options]
 * @returns {Promise<{ token: import('./index').CreatedAccessToken, retired: boolean,
 *                     retireError: DockerHubError|null }>}
 */
export async function rotateAccessToken(client, org, id, options = {}) {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw invalidArgument('options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw invalidArgument(`options has an unknown key "${key}"`);
  }
  const { retire = 'deactivate', signal } = options;
  if (!RETIRE_MODES.includes(retire))
    throw invalidArgument(`retire must be one of ${RETIRE_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (!client || typeof client.getAccessToken !== 'function' || typeof client.createAccessToken !== 'function')
    throw invalidArgument('client must be a client from createClient()');
  if (typeof org !== 'string' || org === '') throw invalidArgument('org must be a non-empty string');
  if (typeof id !== 'string' || id === '') throw invalidArgument('id must be a non-empty string');
  const callOptions = signal === undefined ? undefined : { signal };

  const old = await client.getAccessToken(org, id, callOptions);
  if (signal?.aborted) throw new DockerHubError('aborted', 'the rotation was aborted before the new token was created');
  const request = newTokenRequest(old, Date.now());
  // Not cancellable once sent: see the header comment.
  const token = await client.createAccessToken(org, request);

  const retireError = await retireToken(client, org, id, retire, callOptions, token.token);
  return { token, retired: retire !== 'keep' && !retireError, retireError };
}

/**
 * Step 3 alone: retires the old token as `retire` says ('keep' does nothing). `newSecret`, the
 * new token's value, is scrubbed from the error: a server may echo it.
 * @returns {Promise<DockerHubError|null>} why it failed, or null
 */
export async function retireToken(client, org, id, retire, callOptions, newSecret) {
  if (retire === 'keep') return null;
  try {
    if (callOptions?.signal?.aborted) throw new DockerHubError('aborted', `the rotation was aborted before the old token was retired (${retire})`);
    if (retire === 'delete') await client.deleteAccessToken(org, id, callOptions);
    else await client.updateAccessToken(org, id, { is_active: false }, callOptions);
    return null;
  } catch (err) {
    return err instanceof DockerHubError
      ? scrubSecrets(err, newSecret ? [newSecret] : [])
      : new DockerHubError('invalid_response', `retiring the old token failed: ${err?.message ?? 'no reason given'}`);
  }
}
