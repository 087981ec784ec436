// Saved plans: `plan -f tokens.json --save plan.json` writes the reviewed plan, and
// `apply --plan plan.json` does exactly its steps, deletes included, and nothing else.
//
// The file carries two digests. `stateDigest` is the org's tokens as the plan saw them (every
// field but last_used_at): apply reads the org again and refuses, before any change, once they
// give another digest, so a token that changed, appeared or went stops it, and so does the same
// plan applied a second time (its first apply changed the tokens), with no write request.
// `digest` covers the steps, the org, the manifest's folder and stateDigest: a file edited by hand
// (or cut short) is refused. It is a check against edits and accidents, not a signature: anyone who
// can write the file can recompute it. What apply does is therefore rebuilt from what the plan
// prints: every step is checked field by field against its printed words (./saved-plan-check.js)
// and refused on any difference, and the printed plan shows each hand-over as it will run (the
// file's resolved path). Keep the plan where only your CI writes it (an artifact of the reviewed run).

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sha256Hex } from '../tools/plan-retired.js';
import { formatPlan } from '../tools/plan.js';
import { UsageError } from './args.js';
import { changingCount, stepMismatch } from './saved-plan-check.js';

export const PLAN_FORMAT = 'dockerhub-oat-plan';

/** The part of a saved plan the digest covers, in a fixed order. */
const SAVED_KEYS = [
  'format',
  'version',
  'org',
  'prune',
  'manifestDir',
  'stateDigest',
  'changes',
  'steps',
  'digest',
];
const covered = (p) =>
  JSON.stringify([
    p.format,
    p.version,
    p.org,
    p.prune,
    p.manifestDir,
    p.stateDigest,
    p.changes,
    p.steps,
  ]);

/** Writes `plan` (from planAccessTokens) for a later apply --plan. */
export async function savePlan(path, plan, manifestDir) {
  const saved = {
    format: PLAN_FORMAT,
    version: 1,
    org: plan.org,
    prune: plan.prune,
    manifestDir,
    stateDigest: plan.stateDigest,
    changes: plan.changes,
    steps: plan.steps,
  };
  saved.digest = `sha256:${await sha256Hex(covered(saved))}`;
  try {
    writeFileSync(path, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o644 });
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${err.code ?? err.message}`);
  }
}

/**
 * Reads a saved plan and checks its digest and its org.
 * @returns {Promise<{ plan: object, dir: string }>} the plan as applyAccessTokens takes it, and the
 *   folder its hand-overs are relative to
 */
export async function loadPlan(path, org) {
  let saved;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read the plan ${path}: ${err.code ?? err.message}`);
  }
  if (!saved || saved.format !== PLAN_FORMAT || saved.version !== 1 || !Array.isArray(saved.steps))
    throw new UsageError(`${path} is not a plan saved by 'plan --save'`);
  if (saved.digest !== `sha256:${await sha256Hex(covered(saved))}`)
    throw new UsageError(
      `${path} was edited after it was saved (its digest does not match); nothing was changed: plan again`,
    );
  if (saved.org !== org)
    throw new UsageError(
      `${path} is a plan for ${JSON.stringify(saved.org)}, not ${JSON.stringify(org)}`,
    );
  checkPrinted(path, saved);
  const plan = {
    org: saved.org,
    prune: saved.prune,
    changes: saved.changes,
    steps: saved.steps,
    stateDigest: saved.stateDigest,
  };
  const dir = resolve(dirname(resolve(path)), saved.manifestDir);
  plan.text = formatPlan(plan, (out) => resolve(dir, out));
  return { plan, dir };
}

/** Refuses a saved plan that would do anything its printed words do not show. */
function checkPrinted(path, saved) {
  const refuse = (why) => {
    throw new UsageError(
      `${path} does not do what it prints: ${why}; nothing was changed: plan again`,
    );
  };
  const extra = Object.keys(saved).find((k) => !SAVED_KEYS.includes(k));
  if (extra !== undefined) refuse(`it has a field no plan has (${JSON.stringify(extra)})`);
  if (typeof saved.manifestDir !== 'string' || typeof saved.stateDigest !== 'string')
    refuse('it has no folder or org digest');
  if (saved.changes !== changingCount(saved.steps))
    refuse(
      `it says ${JSON.stringify(saved.changes)} changes but lists ${changingCount(saved.steps)}`,
    );
  saved.steps.forEach((s, i) => {
    const why = stepMismatch(s);
    if (why) refuse(`step ${i + 1} (${s?.action} ${JSON.stringify(s?.label)}) ${why}`);
  });
}

/** The manifest's folder as the saved plan keeps it: relative to the plan file's own folder. */
export const relativeDir = (planPath, manifestDir) => {
  const from = dirname(resolve(planPath));
  const rel = manifestDir.startsWith(`${from}/`)
    ? manifestDir.slice(from.length + 1)
    : manifestDir === from
      ? '.'
      : manifestDir;
  return rel;
};
