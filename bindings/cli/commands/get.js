// get ID|LABEL: one token and its resources.

import { tokenRef } from '../token-ref.js';
import { detail, json } from '../output.js';

export default {
  name: 'get',
  readOnly: true,
  args: 'ID|LABEL',
  options: {},
  summary: 'show one token and its resources',
  help: '',
  async run(ctx) {
    const { values, hub, org, io } = ctx;
    const t = await hub.getAccessToken(org, await tokenRef(ctx, 'get'));
    io.stdout.write(values.json ? json(t) : detail(t));
  },
};
