// The project's scope catalogue for JS: SCOPES (which the package exports), the words a person
// reads for each scope, what a scope implies, and "did you mean" for a mistyped one. The scopes
// themselves are written once, in src/core/scopes.txt: bindings/scope-catalogue.js is written from it
// (scripts/scopes.mjs), as are the C core's lists and the schema's enums. The sandbox
// (web/sandbox/scopes.js) and the dashboard (web/dashboard/format.js, served this file as
// /bindings/scopes.js) import from here.
import { REPO_GROUPS, ORG, IMPLIES as IMPLIED, OLD_NAMES as OLD } from './scope-catalogue.js';

const names = (pairs) => Object.freeze(pairs.map(([scope]) => scope));

export const SCOPES = /* @__PURE__ */ Object.freeze({
  TYPE_REPO: Object.freeze(
    Object.fromEntries(Object.entries(REPO_GROUPS).map(([group, pairs]) => [group, names(pairs)])),
  ),
  TYPE_ORG: names(ORG),
  /** Public repositories, read only: the resource the API leaves off unless asked. */
  PUBLIC_READ: Object.freeze({
    type: 'TYPE_REPO',
    path: '*/*/public',
    scopes: ['scope-image-pull'],
  }),
});

/** Every repository scope, in the order of SCOPES.TYPE_REPO. */
export const REPO_SCOPES = /* @__PURE__ */ Object.freeze(Object.values(SCOPES.TYPE_REPO).flat());

/** Every organization scope (SCOPES.TYPE_ORG). */
export const ORG_SCOPES = SCOPES.TYPE_ORG;

/** "Members: read" for "scope-member-read", for each organization scope. */
export const ORG_SCOPE_LABELS = /* @__PURE__ */ Object.freeze(Object.fromEntries(ORG));

/** The words for a person of every scope, repository scopes first: "Images: pull", "Members: read". */
export const SCOPE_WORDS = /* @__PURE__ */ Object.freeze(
  Object.fromEntries([...Object.values(REPO_GROUPS).flat(), ...ORG]),
);

/** A scope as people type it: no "scope-" prefix, lower case, "_" ":" and blanks as "-". */
const bare = (s) =>
  s
    .toLowerCase()
    .replace(/^scope-/, '')
    .replace(/[\s_:]+/g, '-');

/** Names that old documentation taught and scripts still send, as bare() makes them. */
const OLD_NAMES = /* @__PURE__ */ Object.fromEntries(
  Object.entries(OLD).map(([name, scope]) => [bare(name), scope]),
);

/** Edit distance (insert, delete, substitute, swap two neighbours), for "did you mean". */
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The scopes of `candidates` (default: every scope) that `typed` most likely meant, closest first,
 * at most three; none when nothing is close. Known words in `_`/`:` forms and a missing or
 * differently spelt prefix count as close ("image_pull", "Scope-Image-Pull").
 * @param {string} typed
 * @param {readonly string[]} [candidates]
 * @returns {string[]}
 */
export function closestScopes(typed, candidates = [...REPO_SCOPES, ...ORG_SCOPES]) {
  const want = bare(String(typed));
  if (!want) return [];
  if (Object.hasOwn(OLD_NAMES, want) && candidates.includes(OLD_NAMES[want]))
    return [OLD_NAMES[want]];
  const scored = candidates.map((scope) => {
    const name = bare(scope);
    // A word of the scope typed alone ("pull", "member") is close too.
    const part = name.split('-').includes(want) ? 1 : Infinity;
    return { scope, score: Math.min(distance(want, name), part) };
  });
  const best = Math.min(...scored.map((s) => s.score));
  if (best > Math.max(2, Math.floor(want.length / 3))) return [];
  return scored
    .filter((s) => s.score === best)
    .slice(0, 3)
    .map((s) => s.scope);
}

/**
 * What a scope brings with it, where Docker's documentation says so ("push (pull)", "delete (push)",
 * "edit (read)", "admin (edit)", tag "admin (read)"). The webhook and repository-group scopes carry
 * no such note in the docs, so they imply nothing here.
 */
export const IMPLIES = /* @__PURE__ */ Object.freeze(
  Object.fromEntries(
    Object.entries(IMPLIED).map(([scope, implied]) => [scope, Object.freeze(implied)]),
  ),
);
