// activate ID|LABEL and deactivate ID|LABEL: one PATCH of is_active each.

import { tokenRef } from '../token-ref.js';
import { json, named } from '../output.js';

function toggle(name, active, summary) {
  const done = active ? 'Activated' : 'Deactivated';
  return {
    name,
    args: 'ID|LABEL',
    options: {},
    summary,
    help: '',
    async run(ctx) {
      const { values, hub, org, io } = ctx;
      const t = await hub.updateAccessToken(org, await tokenRef(ctx, name), { is_active: active });
      io.stdout.write(values.json ? json(t) : `${done} token ${named(t)}.\n`);
    },
  };
}

export const activate = toggle('activate', true, 'make a token usable again');
export const deactivate = toggle(
  'deactivate',
  false,
  'make a token unusable (it still counts toward the limit)',
);
