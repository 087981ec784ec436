// activate ID and deactivate ID: one PATCH of is_active each.

import { oneId } from '../args.js';
import { json, named } from '../output.js';

function toggle(name, active, summary) {
  const done = active ? 'Activated' : 'Deactivated';
  return {
    name,
    args: 'ID',
    options: {},
    summary,
    help: '',
    async run({ rest, values, hub, org, io }) {
      const t = await hub.updateAccessToken(org, oneId(rest, name), { is_active: active });
      io.stdout.write(values.json ? json(t) : `${done} token ${named(t)}.\n`);
    },
  };
}

export const activate = toggle('activate', true, 'make a token usable again');
export const deactivate = toggle('deactivate', false, 'make a token unusable (it still counts toward the limit)');
