// get ID: one token and its resources.

import { oneId } from '../args.js';
import { detail, json } from '../output.js';

export default {
  name: 'get',
  readOnly: true,
  args: 'ID',
  options: {},
  summary: 'show one token and its resources',
  help: '',
  async run({ rest, values, hub, org, io }) {
    const t = await hub.getAccessToken(org, oneId(rest, 'get'));
    io.stdout.write(values.json ? json(t) : detail(t));
  },
};
