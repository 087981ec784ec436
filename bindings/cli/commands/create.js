// create --label L ...: prints the new secret, once, on stdout (with --json: one document that
// holds it), or hands it over with --exec or --out (../secret.js). Labels name tokens (every
// command takes one for an id, ../token-ref.js), so a label the org already has is refused before
// the create, unless --allow-duplicate-label.

import { noArgs, parseExpires, resourcesFrom, RESOURCE_OPTIONS, UsageError } from '../args.js';
import { refuseTakenLabel } from '../labels.js';
import { labelProblem } from '../../label-rule.js';
import { json, named, quoted, say, when } from '../output.js';
import { finishCreate, handoverFromFlags, HANDOVER_HELP, HANDOVER_OPTIONS } from '../secret.js';

function createRequest(values, org) {
  if (values.label === undefined) throw new UsageError('create needs --label');
  const problem = labelProblem(values.label);
  if (problem) throw new UsageError(`--label ${quoted(values.label)}: a token's label ${problem}`);
  const request = { label: values.label };
  if (values.description !== undefined) request.description = values.description;
  const resources = resourcesFrom(values, org);
  if (resources) request.resources = resources;
  if (values.expires !== undefined) request.expires_at = parseExpires(values.expires);
  return request;
}

/** What create and rotate say when they print the new secret themselves. */
export function sayCreated(io, token, org) {
  say(io, `Created token ${named(token)} in ${org}, expires ${when(token.expires_at, 'never')}.`);
  say(io, 'The secret below is shown once: store it now.');
}

async function run({ rest, values, hub, org, io }) {
  noArgs(rest, 'create', ' (give the label with --label)');
  const request = createRequest(values, org);
  const target = handoverFromFlags(values, io.env);
  if (!values['allow-duplicate-label'])
    await refuseTakenLabel(hub, org, request.label, { nothing: 'nothing was created' });
  const t = await hub.createAccessToken(org, request);
  if (target) return finishCreate({ token: t, target, io, org, values });
  sayCreated(io, t, org);
  return io.stdout.write(values.json ? json(t) : `${t.token}\n`);
}

export default {
  name: 'create',
  args: '',
  options: {
    label: { type: 'string' },
    'allow-duplicate-label': { type: 'boolean' },
    description: { type: 'string' },
    ...RESOURCE_OPTIONS,
    expires: { type: 'string' },
    ...HANDOVER_OPTIONS,
  },
  summary: 'create a token; prints its secret, once, on stdout',
  help: `  --label L                  the token's label (required); one the org already has is refused
  --allow-duplicate-label    create it even so (then give the id, not the label, to other commands)
  --description D            what it is for (up to 200 characters)
  --repo PATH=SCOPE[,SCOPE]  a repository resource, repeatable: acme/api=image-pull,image-push,
                             acme/*=image-pull (the "scope-" prefix may be left out)
  --org-scope SCOPE          an organization scope, repeatable: member-read, repository-list, ...
  --public-read              add read access to all public repositories (*/*/public, image-pull)
  --expires WHEN             30d, 12w, 1y (365 days), a date 2027-01-31 (00:00 UTC), an RFC 3339
                             date-time, or never (the default)
${HANDOVER_HELP}`,
  run,
};
