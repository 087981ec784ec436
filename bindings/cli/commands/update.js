// update ID|LABEL: a new label, description or resource list (the expiry cannot change: rotate).

import { resourcesFrom, RESOURCE_OPTIONS, UsageError } from '../args.js';
import { detail, json, named, say } from '../output.js';
import { oneRef, resolveRef } from '../token-ref.js';

function updateRequest(values, org) {
  const request = {};
  if (values.label !== undefined) {
    if (values.label.trim() === '') throw new UsageError('--label may not be empty');
    request.label = values.label;
  }
  if (values.description !== undefined) request.description = values.description;
  const resources = resourcesFrom(values, org);
  if (resources) request.resources = resources;
  if (Object.keys(request).length === 0)
    throw new UsageError('update needs --label, --description, --repo, --org-scope or --public-read');
  return request;
}

export default {
  name: 'update',
  args: 'ID|LABEL',
  options: { label: { type: 'string' }, description: { type: 'string' }, ...RESOURCE_OPTIONS },
  summary: 'change a token\'s label, description or resources',
  help: `  --label L                  a new label
  --description D            a new description ('' clears it)
  --repo PATH=SCOPE[,SCOPE]  repeatable; --repo, --org-scope and --public-read together REPLACE
  --org-scope SCOPE          the token's whole resource list
  --public-read
  The expiry cannot change after creation (rotate instead).`,
  async run({ rest, values, hub, org, io }) {
    const ref = oneRef(rest, 'update');
    const request = updateRequest(values, org);
    const t = await hub.updateAccessToken(org, await resolveRef(hub, org, ref), request);
    say(io, `Updated token ${named(t)}.`);
    io.stdout.write(values.json ? json(t) : detail(t));
  },
};
