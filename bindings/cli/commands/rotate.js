// rotate ID [--retire MODE]: a new token like the old one (bindings/rotate.js), its secret printed
// once or handed over (--exec, --out), then the old one retired. With a hand-over the old token is
// retired only after the hand-over worked, so a failed one leaves everything working.

import { RETIRE_MODES, retireToken, rotateAccessToken } from '../../rotate.js';
import { UsageError } from '../args.js';
import { errorBrief, errorDoing, json, PROG, say } from '../output.js';
import { deliver, handoverFromFlags, HANDOVER_HELP, HANDOVER_OPTIONS, withoutSecret } from '../secret.js';
import { oneRef, resolveRef } from '../token-ref.js';
import { sayCreated } from './create.js';

function sayRetired(io, retire, id, retired) {
  say(io, retired ? `${retire === 'delete' ? 'Deleted' : 'Deactivated'} the old token ${id}.` : `Kept the old token ${id} as it was.`);
}

function retireFailed(io, err, retire, id) {
  io.stderr.write(errorDoing(err, `${retire} the old token ${id}`));
  say(io, `The new token is valid. Retry with: ${PROG} ${retire} ${id}${retire === 'delete' ? ' --yes' : ''}`);
  return 1;
}

async function printed({ values, hub, org, io }, id, retire) {
  const { token, retired, retireError } = await rotateAccessToken(hub, org, id, { retire });
  sayCreated(io, token, org);
  if (!retireError) sayRetired(io, retire, id, retired);
  io.stdout.write(values.json ? json({ token, retired, retireError: errorBrief(retireError) }) : `${token.token}\n`);
  return retireError ? retireFailed(io, retireError, retire, id) : 0;
}

async function handedOver({ values, hub, org, io }, id, retire, target) {
  const { token } = await rotateAccessToken(hub, org, id, { retire: 'keep' });
  if (!(await deliver({ token, target, io, org }))) {
    if (values.json) io.stdout.write(json({ token: withoutSecret(token), handedOver: false, retired: false }));
    io.stderr.write(`The old token ${id} was left as it is, so nothing stopped working.\n`
      + `To recover: delete the new token with '${PROG} delete ${token.id} --yes' and rotate again.\n`);
    return 1;
  }
  const retireError = await retireToken(hub, org, id, retire, undefined, token.token);
  const retired = retire !== 'keep' && !retireError;
  if (values.json) io.stdout.write(json({ token: withoutSecret(token), handedOver: true, retired, retireError: errorBrief(retireError) }));
  if (retireError) return retireFailed(io, retireError, retire, id);
  sayRetired(io, retire, id, retired);
  return 0;
}

async function run(ctx) {
  const ref = oneRef(ctx.rest, 'rotate');
  const retire = ctx.values.retire ?? RETIRE_MODES[0];
  if (!RETIRE_MODES.includes(retire)) throw new UsageError(`--retire needs ${RETIRE_MODES.join(', ').replace(/, (?=\w+$)/, ' or ')}, not '${retire}'`);
  const target = handoverFromFlags(ctx.values);
  const id = await resolveRef(ctx.hub, ctx.org, ref);
  return target ? handedOver(ctx, id, retire, target) : printed(ctx, id, retire);
}

export default {
  name: 'rotate',
  args: 'ID|LABEL',
  options: { retire: { type: 'string' }, ...HANDOVER_OPTIONS },
  summary: 'replace a token by a new one like it; prints the new secret, once, on stdout',
  help: `  --retire MODE     what becomes of the old token: ${RETIRE_MODES[0]} (default), ${RETIRE_MODES.slice(1).join(' or ')}
  The new token has the old one's label, description and resources, and expires as far ahead of
  now as the old one did of its creation (never, if the old one never expires). If the old token
  cannot be retired, the new secret is still printed and the exit status is 1.
${HANDOVER_HELP}
  With --exec or --out the old token is retired only after the secret was handed over.`,
  run,
};
