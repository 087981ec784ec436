// Labels name tokens (every command takes one for an id, token-ref.js), so create and update
// refuse a label another token of the org already has, before any write, unless
// --allow-duplicate-label.

import { DockerHubError } from '../errors.js';

/**
 * Refuses a label some other token of the org already has (one read of the list, no write).
 * @param {{ except?: string, nothing: string }} o the token being relabelled (its own label is
 *   no clash), and what the message says was not done
 */
export async function refuseTakenLabel(hub, org, label, { except, nothing }) {
  const ids = [];
  for await (const t of hub.listAllAccessTokens(org, { pageSize: 100 }))
    if (t.label === label && t.id !== except) ids.push(t.id);
  if (ids.length === 0) return;
  throw new DockerHubError(
    'conflict',
    `${org} already has a token labelled ${JSON.stringify(label)} (${ids.join(', ')}); ` +
      `${nothing}. Labels name tokens: pick another label, or give --allow-duplicate-label`,
    { ids },
  );
}
