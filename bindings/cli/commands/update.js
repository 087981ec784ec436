// update ID|LABEL: a new label, description or resource list (the expiry cannot change: rotate).
// A new label another token has is refused before the write, unless --allow-duplicate-label.

import { resourcesFrom, RESOURCE_OPTIONS, UsageError } from '../args.js';
import { detail, json, named, quoted, say } from '../output.js';
import { oneRef, resolveRef } from '../token-ref.js';
import { refuseTakenLabel } from '../labels.js';
import { labelProblem } from '../../label-rule.js';

function updateRequest(values, org) {
  const request = {};
  if (values.label !== undefined) {
    const problem = labelProblem(values.label);
    if (problem)
      throw new UsageError(`--label ${quoted(values.label)}: a token's label ${problem}`);
    request.label = values.label;
  }
  if (values.description !== undefined) request.description = values.description;
  const resources = resourcesFrom(values, org);
  if (resources) request.resources = resources;
  if (Object.keys(request).length === 0)
    throw new UsageError(
      'update needs --label, --description, --repo, --org-scope or --public-read',
    );
  return request;
}

export default {
  name: 'update',
  args: 'ID|LABEL',
  options: {
    label: { type: 'string' },
    'allow-duplicate-label': { type: 'boolean' },
    description: { type: 'string' },
    ...RESOURCE_OPTIONS,
  },
  summary: "change a token's label, description or resources",
  help: `  --label L                  a new label; one another token of the org has is refused
  --allow-duplicate-label    use it even so (then give the id, not the label, to other commands)
  --description D            a new description ('' clears it)
  --repo PATH=SCOPE[,SCOPE]  repeatable; --repo, --org-scope and --public-read together REPLACE
  --org-scope SCOPE          the token's whole resource list
  --public-read
  The expiry cannot change after creation (rotate instead).`,
  async run({ rest, values, hub, org, io }) {
    const ref = oneRef(rest, 'update');
    const request = updateRequest(values, org);
    const id = await resolveRef(hub, org, ref);
    if (request.label !== undefined && !values['allow-duplicate-label']) {
      await refuseTakenLabel(hub, org, request.label, {
        except: id,
        nothing: 'nothing was changed',
      });
    }
    const t = await hub.updateAccessToken(org, id, request);
    say(io, `Updated token ${named(t)}.`);
    io.stdout.write(values.json ? json(t) : detail(t));
  },
};
