// The project's one scope catalogue: the scopes Docker Hub knows, grouped as its documentation groups
// them, what a scope includes, and the words a person reads for an organization scope. The package
// exports SCOPES; the sandbox (web/sandbox/scopes.js) and the dashboard (web/dashboard/format.js, to
// which web/server.js serves this file as /bindings/scopes.js) import the rest. The C core's
// DH_SCOPES (src/validate.c) lists the same names; tests/node/scopes.test.js checks that they agree.

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
