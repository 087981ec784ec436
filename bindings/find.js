// findAccessToken: a token by its label. Docker Hub addresses tokens by id only and does not keep
// labels unique, so the label is looked for in the whole list (page after page) and compared
// exactly; several tokens with one label are refused with their ids, never guessed between.
import { checkName, checkOptions } from './checks.js';
import { DockerHubError, invalidArgument } from './errors.js';

/**
 * @param {{ listAllAccessTokens: Function }} hub
 * @returns {Promise<object | null>} the token's summary (as the list gives it), or null when no
 *   token has the label; rejects with 'conflict' (status 0, `ids`) when several have it
 */
export async function findAccessToken(hub, org, label, options) {
  checkName(org, 'org');
  if (typeof label !== 'string' || label === '')
    throw invalidArgument('label must be a non-empty string');
  const { signal } = checkOptions(options, ['signal'], 'options');
  const found = [];
  for await (const t of hub.listAllAccessTokens(org, { pageSize: 100, signal })) {
    if (t.label === label) found.push(t);
  }
  if (found.length > 1) {
    const ids = found.map((t) => t.id);
    throw new DockerHubError(
      'conflict',
      `${found.length} tokens of ${org} have the label ${JSON.stringify(label)}: ` +
        `${ids.join(', ')}; give one of their ids`,
      { ids },
    );
  }
  return found[0] ?? null;
}
