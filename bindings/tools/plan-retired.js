// The retired tokens in a plan (bindings/tools/retired.js: LABEL~retired~...~delete-after-T). They are
// not the manifest's to match: the C core never sees them, so a retired token is never a duplicate
// of its label nor an unmanaged surprise. Each becomes a step of its own: deleted once its grace is
// over, deactivated once its overlap is over, else shown as retired and left alone. And the digest
// of the org's tokens a plan was made from, which apply compares before any change.

import { parseRetired, retiredDue } from './retired.js';

/** Splits the org's tokens into the ones the manifest matches and the retired ones. */
export function splitRetired(tokens) {
  const live = [];
  const retired = [];
  for (const t of tokens) (parseRetired(t.label) ? retired : live).push(t);
  return { live, retired };
}

const before = (t) => ({
  label: t.label,
  description: t.description ?? null,
  is_active: t.is_active !== false,
  created_at: t.created_at ?? null,
  expires_at: t.expires_at ?? null,
  last_used_at: t.last_used_at ?? null,
  resources: t.resources ?? [],
});

/** The step for one retired token at `now`. */
export function retiredStep(t, now) {
  const r = parseRetired(t.label);
  const base = {
    label: t.label,
    id: t.id,
    before: before(t),
    retired: {
      deleteAfter: new Date(r.deleteAfter).toISOString(),
      activeUntil: r.activeUntil === null ? null : new Date(r.activeUntil).toISOString(),
    },
  };
  const due = retiredDue(t, now);
  if (due === 'delete') return { action: 'delete', ...base };
  if (due === 'deactivate')
    return { action: 'update', ...base, changes: ['active'], request: { is_active: false } };
  return { action: 'retired', ...base };
}

/** Adds the retired tokens' steps after the others, and counts the ones that change something. */
export function addRetiredSteps(plan, retired, now) {
  for (const t of retired) {
    const step = retiredStep(t, now);
    plan.steps.push(step);
    if (step.action !== 'retired') plan.changes++;
  }
}

const canonicalResources = (rs) =>
  (rs ?? [])
    .map((r) => ({ type: r.type, path: r.path, scopes: [...r.scopes].sort() }))
    .sort((a, b) => `${a.type} ${a.path}`.localeCompare(`${b.type} ${b.path}`));

/** One token's fields a plan prints or acts on, as one text (ids and dates as Docker Hub gives them). */
export const canonicalToken = (t) =>
  JSON.stringify({
    label: t.label,
    description: t.description ?? '',
    is_active: t.is_active !== false,
    expires_at: t.expires_at ?? null,
    resources: canonicalResources(t.resources),
  });

/** The tokens as the plan saw them, in one canonical text: every field a plan or apply acts on
 * (last_used_at left out: using a token does not change what a plan would do). */
export function stateText(tokens) {
  const rows = tokens
    .map((t) => ({
      id: t.id,
      label: t.label,
      description: t.description ?? '',
      is_active: t.is_active !== false,
      created_at: t.created_at ?? null,
      expires_at: t.expires_at ?? null,
      resources: canonicalResources(t.resources),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return JSON.stringify(rows);
}

/** SHA-256 of a text, as hex (Web Crypto: every host has it). */
export async function sha256Hex(text) {
  const bytes = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)),
  );
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The digest of the org's tokens: `sha256:HEX`. */
export const stateDigest = async (tokens) => `sha256:${await sha256Hex(stateText(tokens))}`;
