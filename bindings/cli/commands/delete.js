// delete ID|LABEL [--yes]: asks on a terminal, refuses without one unless --yes.

import { YES_OPTION } from '../args.js';
import { json, named, say } from '../output.js';
import { confirmed } from '../terminal.js';
import { tokenRef } from '../token-ref.js';

async function run(ctx) {
  const { values, hub, org, io } = ctx;
  const id = await tokenRef(ctx, 'delete');
  const ask = async () =>
    `Delete token ${named(await hub.getAccessToken(org, id))} from ${org}? This cannot be undone. [y/N] `;
  if (!(await confirmed(io, values, 'delete', ask))) {
    say(io, 'Not deleted.');
    return 1;
  }
  await hub.deleteAccessToken(org, id);
  return io.stdout.write(values.json ? json({ id, deleted: true }) : `Deleted token ${id}.\n`);
}

export default {
  name: 'delete',
  args: 'ID|LABEL',
  options: YES_OPTION,
  summary: 'delete a token for good',
  help: `  -y, --yes         do not ask; without it a terminal is asked, and anything else is refused`,
  run,
};
