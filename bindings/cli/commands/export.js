// export: the org's tokens as a manifest on stdout, oldest first, with no secrets (Docker Hub
// never returns them). `dockerhub-oat export > tokens.json`, then plan: no changes. The manifest
// is made by bindings/tools/export.js, which the dashboard's download uses too.

import { exportAccessTokens } from '../../tools/export.js';
import { noArgs } from '../args.js';
import { json, plural, printable, quoted } from '../output.js';

async function run({ rest, hub, org, io }) {
  noArgs(rest, 'export');
  const { manifest, skipped, retired } = await exportAccessTokens(hub, org);
  if (retired.length) {
    io.stderr.write(
      `note: ${plural(retired.length, 'token')} retired by a rotation left out: the rotation's to finish (prune or apply deletes ${retired.length === 1 ? 'it' : 'them'} after the grace), not the file's\n`,
    );
  }
  for (const t of skipped) {
    io.stderr.write(
      `warning: token ${printable(t.id)} is labelled ${quoted(t.label)} like another: left out (labels must be unique)\n`,
    );
  }
  io.stdout.write(json(manifest));
  return skipped.length ? 1 : 0;
}

export default {
  name: 'export',
  readOnly: true,
  args: '',
  options: {},
  summary: "print the org's tokens as a manifest (no secrets: Docker Hub never returns them)",
  help: '  dockerhub-oat export > tokens.json, then plan: no changes.',
  run,
};
