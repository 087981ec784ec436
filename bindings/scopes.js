// The project's one scope catalogue: the scopes Docker Hub knows, grouped as its documentation groups
// them, what a scope includes, and the words a person reads for an organization scope. The package
// exports SCOPES; the sandbox (web/sandbox/scopes.js) and the dashboard (web/dashboard/format.js, to
// which web/server.js serves this file as /bindings/scopes.js) import the rest. The C core's
// DH_SCOPES (src/core/validate.c) lists the same names; tests/client/scopes.test.js checks that they agree.

/** Repository scopes' words for a person, by scope (the order is SCOPES.TYPE_REPO's). */
const REPO_WORDS = {
  'scope-image-pull': 'Images: pull',
  'scope-image-push': 'Images: push (and pull)',
  'scope-image-delete': 'Images: delete (and push, pull)',
  'scope-repository-read': 'Repository: read',
  'scope-repository-edit': 'Repository: edit (and read)',
  'scope-repository-admin': 'Repository: admin (and edit, read)',
  'scope-tag-read': 'Tags: read',
  'scope-tag-admin': 'Tags: admin (and read)',
  'scope-webhook-read': 'Webhooks: read',
  'scope-webhook-edit': 'Webhooks: edit',
  'scope-webhook-admin': 'Webhooks: admin',
  'scope-repo-group-read': 'Repository groups: read',
  'scope-repo-group-edit': 'Repository groups: edit',
  'scope-repo-group-admin': 'Repository groups: admin',
  'scope-repository-settings-admin': 'Repository settings: admin',
};

/** Organization scopes in the documentation's order, each with its words for a person. */
const ORG = [
  ['scope-member-read', 'Members: read'],
  ['scope-member-edit', 'Members: edit'],
  ['scope-invite-read', 'Invites: read'],
  ['scope-invite-edit', 'Invites: edit'],
  ['scope-group-read', 'Teams: read'],
  ['scope-group-edit', 'Teams: edit'],
  ['scope-activity-read', 'Activity: read'],
  ['scope-siem_credentials-read', 'SIEM credentials: read'],
  ['scope-ram-read', 'Registry access management: read'],
  ['scope-ram-write', 'Registry access management: write'],
  ['scope-report-read', 'Reports: read'],
  ['scope-repository-create', 'Repositories: create'],
  ['scope-repository-list', 'Repositories: list'],
  ['scope-registry-usage-read', 'Registry usage: read'],
  ['scope-cloud-connect', 'Cloud connect'],
  ['scope-audit_events-read', 'Audit events: read'],
  ['scope-governance-policy-read', 'Governance policies: read'],
  ['scope-governance-policy-write', 'Governance policies: write'],
];

export const SCOPES = /* @__PURE__ */ Object.freeze({
  TYPE_REPO: Object.freeze({
    image: Object.freeze(['scope-image-pull', 'scope-image-push', 'scope-image-delete']),
    repository: Object.freeze(['scope-repository-read', 'scope-repository-edit', 'scope-repository-admin']),
    tag: Object.freeze(['scope-tag-read', 'scope-tag-admin']),
    webhook: Object.freeze(['scope-webhook-read', 'scope-webhook-edit', 'scope-webhook-admin']),
    repoGroup: Object.freeze(['scope-repo-group-read', 'scope-repo-group-edit', 'scope-repo-group-admin']),
    settings: Object.freeze(['scope-repository-settings-admin']),
  }),
  TYPE_ORG: Object.freeze(ORG.map(([scope]) => scope)),
  /** Public repositories, read only: the resource the API leaves off unless asked. */
  PUBLIC_READ: Object.freeze({ type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] }),
});

/** Every repository scope, in the order of SCOPES.TYPE_REPO. */
export const REPO_SCOPES = /* @__PURE__ */ Object.freeze(Object.values(SCOPES.TYPE_REPO).flat());

/** Every organization scope (SCOPES.TYPE_ORG). */
export const ORG_SCOPES = SCOPES.TYPE_ORG;

/** "Members: read" for "scope-member-read", for each organization scope. */
export const ORG_SCOPE_LABELS = /* @__PURE__ */ Object.freeze(Object.fromEntries(ORG));

/** The words for a person of every scope, repository scopes first: "Images: pull", "Members: read". */
export const SCOPE_WORDS = Object.freeze({ ...REPO_WORDS, ...ORG_SCOPE_LABELS });

/** A scope as people type it: no "scope-" prefix, lower case, "_" ":" and blanks as "-". */
const bare = (s) => s.toLowerCase().replace(/^scope-/, '').replace(/[\s_:]+/g, '-');

/** Names that old documentation taught and scripts still send (src/core/validate.c knows them too). */
const OLD_NAMES = {
  'repo-pull': 'scope-image-pull', 'repo-push': 'scope-image-push', 'repo-delete': 'scope-image-delete',
  'repo-read': 'scope-image-pull', 'repo-write': 'scope-image-push', 'repo-admin': 'scope-image-delete',
};

/** Edit distance (insert, delete, substitute, swap two neighbours), for "did you mean". */
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
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
  if (Object.hasOwn(OLD_NAMES, want) && candidates.includes(OLD_NAMES[want])) return [OLD_NAMES[want]];
  const scored = candidates.map((scope) => {
    const name = bare(scope);
    // A word of the scope typed alone ("pull", "member") is close too.
    const part = name.split('-').includes(want) ? 1 : Infinity;
    return { scope, score: Math.min(distance(want, name), part) };
  });
  const best = Math.min(...scored.map((s) => s.score));
  if (best > Math.max(2, Math.floor(want.length / 3))) return [];
  return scored.filter((s) => s.score === best).slice(0, 3).map((s) => s.scope);
}

/**
 * What a scope brings with it, where Docker's documentation says so ("push (pull)", "delete (push)",
 * "edit (read)", "admin (edit)", tag "admin (read)"). The webhook and repository-group scopes carry
 * no such note in the docs, so they imply nothing here.
 */
export const IMPLIES = /* @__PURE__ */ Object.freeze({
  'scope-image-push': Object.freeze(['scope-image-pull']),
  'scope-image-delete': Object.freeze(['scope-image-push', 'scope-image-pull']),
  'scope-repository-edit': Object.freeze(['scope-repository-read']),
  'scope-repository-admin': Object.freeze(['scope-repository-edit', 'scope-repository-read']),
  'scope-tag-admin': Object.freeze(['scope-tag-read']),
});
