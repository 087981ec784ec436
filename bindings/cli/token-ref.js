// The token a command is about, given by id or by label: `get ci-pull` as well as `get 7d31...`.
// Every command that takes a token (get, update, activate, deactivate, delete, rotate) goes through
// tokenRef. Docker Hub's ids are UUIDs, so an argument in that form is taken as an id with no
// request; anything else is a label, looked up in the org's list (findAccessToken): one match gives
// its id, none says so, several are listed by id for the user to pick one.

import { DockerHubError } from '../errors.js';
import { UsageError } from './args.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one ID-or-LABEL argument of `command`, checked before any request. */
export function oneRef(rest, command) {
  if (rest.length === 0) throw new UsageError(`${command} needs the token's ID or label`);
  if (rest.length > 1)
    throw new UsageError(`${command} takes one ID or label, got ${rest.length} arguments`);
  if (rest[0] === '') throw new UsageError('the ID or label is empty');
  return rest[0];
}

/** Whether `text` has the form of a token id. */
export const isTokenId = (text) => UUID.test(text);

/**
 * The id of the token that `ref` (an id or a label) names.
 * @returns {Promise<string>}
 */
export async function resolveRef(hub, org, ref) {
  if (isTokenId(ref)) return ref;
  const found = await hub.findAccessToken(org, ref);
  if (!found) {
    throw new DockerHubError(
      'not_found',
      `no token of ${org} has the label ${JSON.stringify(ref)} ` +
        '(and it is not a token id, which looks like 7d317f18-0c3e-4d8a-9b1e-2f0a6c5d4e3b)',
    );
  }
  return found.id;
}

/** oneRef, then resolveRef: the id of the token a command's one argument names. */
export const tokenRef = (ctx, command) => resolveRef(ctx.hub, ctx.org, oneRef(ctx.rest, command));
