// plan -f FILE [--prune] [--json] [--save PLAN]: what apply would change to make the org's tokens
// match the manifest ("Tokens as code" in the README). Exit 0 no changes, 2 changes, 1 any
// failure. The parse and the diff are the C core's (bindings/tools/plan.js); this prints them, and
// --save writes them for apply --plan (../saved-plan.js).

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { noArgs, UsageError } from '../args.js';
import { contextFlags, json, printable, PROG } from '../output.js';
import { relativeDir, savePlan } from '../saved-plan.js';
import { secretlessEntries } from '../../tools/plan.js';

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
  let plan;
  try {
    plan = await hub.planAccessTokens(org, text, { prune: values.prune === true });
  } catch (err) {
    if (err?.code !== 'invalid_argument' || err.line === undefined) throw err;
    io.stderr.write(`error: ${printable(values.file)}: ${printable(err.message)}\n`);
    return null;
  }
  // What apply would refuse, plan refuses too, so CI goes red on the pull request.
  const secretless = secretlessEntries(plan);
  for (const words of secretless)
    io.stderr.write(`error: ${printable(values.file)}: ${printable(words)}\n`);
  return secretless.length ? null : { plan, dir };
}

function withoutText(plan) {
  const { text: _text, ...rest } = plan;
  return rest;
}

/** Where the saved plan went, and the command that applies it, runnable as printed. */
function savedAdvice(values) {
  const apply = [PROG, 'apply', '--plan', values.save, ...contextFlags(values)].join(' ');
  return `Saved the plan to ${printable(values.save)}: apply it with '${printable(apply)}'.\n`;
}

export default {
  name: 'plan',
  readOnly: true,
  args: '',
  options: { ...FILE_OPTIONS, save: { type: 'string' } },
  summary: "show what apply would change to make the org's tokens match a file",
  help: `${FILE_HELP}
  --json            the plan as JSON
  --save PLAN       also write the plan to PLAN, for 'apply --plan PLAN': that apply does exactly
                    these steps, and refuses once the org's tokens or the file changed
  A token the file would create, replace or rotate must say where its secret goes ("secret"):
  plan refuses the file otherwise, as apply does.
  Exit status: 0 no changes, 2 changes, 1 any failure (wrong usage, no secret, the file).`,
  async run(ctx) {
    if (ctx.values.save === '') throw new UsageError('--save needs a file name');
    const made = await makePlan(ctx, 'plan');
    if (!made) return 1;
    if (ctx.values.save !== undefined)
      await savePlan(ctx.values.save, made.plan, relativeDir(ctx.values.save, made.dir));
    ctx.io.stdout.write(ctx.values.json ? json(withoutText(made.plan)) : made.plan.text);
    if (ctx.values.save !== undefined && !ctx.values.json)
      ctx.io.stderr.write(savedAdvice(ctx.values));
    return made.plan.changes ? 2 : 0;
  },
};
