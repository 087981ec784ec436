// Labels name tokens (every command takes one for an id, token-ref.js), so create and update
// refuse a label another token of the org already has, before any write, unless
// --allow-duplicate-label.

import { DockerHubError } from '../errors.js';
import { INVISIBLE, printable } from '../text.js';
import { UsageError } from './args.js';

/**
 * Refuses a label some other token of the org already has (one read of the list, no write).
 * @param {{ except?: string, nothing: string }} o the token being relabelled (its own label is
 *   no clash), and what the message says was not done
 */
export async function refuseTakenLabel(hub, org, label, { except, nothing }) {
  const ids = [];
  for await (const t of hub.listAllAccessTokens(org, { pageSize: 100 })) if (t.label === label && t.id !== except) ids.push(t.id);
  if (ids.length === 0) return;
  throw new DockerHubError('conflict', `${org} already has a token labelled ${JSON.stringify(label)} (${ids.join(', ')}); `
    + `${nothing}. Labels name tokens: pick another label, or give --allow-duplicate-label`, { ids });
}

/** Refuses a label holding a character a reader cannot see for what it is (bindings/text.js's one
 * class: controls, format characters, line separators, default-ignorables): "ci-pull" with a zero
 * width space would read as another token's label. Before any request. */
export function refuseInvisibleLabel(label) {
  if (INVISIBLE.test(label))
    throw new UsageError(`--label ${JSON.stringify(printable(label))} holds a control, line-break, bidi or other invisible character (shown escaped); nothing was sent`);
}
