// plan -f FILE [--prune] [--json]: what apply would change to make the org's tokens match the
// manifest ("Tokens as code" in the README). Exit 0 no changes, 2 changes, 1 the file or the API
// failed. The parse and the diff are the C core's (bindings/plan.js); this prints them.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { noArgs, UsageError } from '../args.js';
import { json, printable } from '../output.js';

export const FILE_OPTIONS = { file: { type: 'string', short: 'f' }, prune: { type: 'boolean' } };

export const FILE_HELP = `  -f, --file FILE   the manifest (JSON; see "Tokens as code" in the README)
  --prune           also delete the organization's tokens the file does not list`;

function readManifest(values) {
  if (values.file === undefined) throw new UsageError('give the manifest with -f FILE');
  try {
    return { text: readFileSync(values.file, 'utf8'), dir: dirname(resolve(values.file)) };
  } catch (err) {
    throw new UsageError(`cannot read ${values.file}: ${err.code ?? err.message}`);
  }
}

/** The plan and the manifest's folder, or null after saying why the file was refused. */
export async function makePlan({ rest, values, hub, org, io }, command) {
  noArgs(rest, command);
  const { text, dir } = readManifest(values);
  try {
    return { plan: await hub.planAccessTokens(org, text, { prune: values.prune === true }), dir };
  } catch (err) {
    if (err?.code !== 'invalid_argument' || err.line === undefined) throw err;
    io.stderr.write(`error: ${printable(values.file)}: ${printable(err.message)}\n`);
    return null;
  }
}

function withoutText(plan) {
  const { text: _text, ...rest } = plan;
  return rest;
}

export default {
  name: 'plan',
  readOnly: true,
  args: '',
  options: FILE_OPTIONS,
  summary: 'show what apply would change to make the org\'s tokens match a file',
  help: `${FILE_HELP}
  --json            the plan as JSON
  Exit status: 0 no changes, 2 changes (or wrong usage), 1 the file or the API failed.`,
  async run(ctx) {
    const made = await makePlan(ctx, 'plan');
    if (!made) return 1;
    ctx.io.stdout.write(ctx.values.json ? json(withoutText(made.plan)) : made.plan.text);
    return made.plan.changes ? 2 : 0;
  },
};
