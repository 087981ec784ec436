// Written by scripts/scopes.mjs from src/core/scopes.txt: edit that file, not this one.
// The data of the scope catalogue; bindings/scopes.js builds SCOPES and the rest from it.

/** Repository scopes by group (SCOPES.TYPE_REPO's keys), each [scope, words for a person]. */
export const REPO_GROUPS = {
  image: [
    ['scope-image-pull', 'Images: pull'],
    ['scope-image-push', 'Images: push (and pull)'],
    ['scope-image-delete', 'Images: delete (and push, pull)'],
  ],
  repository: [
    ['scope-repository-read', 'Repository: read'],
    ['scope-repository-edit', 'Repository: edit (and read)'],
    ['scope-repository-admin', 'Repository: admin (and edit, read)'],
  ],
  tag: [
    ['scope-tag-read', 'Tags: read'],
    ['scope-tag-admin', 'Tags: admin (and read)'],
  ],
  webhook: [
    ['scope-webhook-read', 'Webhooks: read'],
    ['scope-webhook-edit', 'Webhooks: edit'],
    ['scope-webhook-admin', 'Webhooks: admin'],
  ],
  repoGroup: [
    ['scope-repo-group-read', 'Repository groups: read'],
    ['scope-repo-group-edit', 'Repository groups: edit'],
    ['scope-repo-group-admin', 'Repository groups: admin'],
  ],
  settings: [['scope-repository-settings-admin', 'Repository settings: admin']],
};

/** Organization scopes, each [scope, words for a person]. */
export const ORG = [
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

/** What a scope brings with it, where Docker's documentation says so. */
export const IMPLIES = {
  'scope-image-push': ['scope-image-pull'],
  'scope-image-delete': ['scope-image-push', 'scope-image-pull'],
  'scope-repository-edit': ['scope-repository-read'],
  'scope-repository-admin': ['scope-repository-edit', 'scope-repository-read'],
  'scope-tag-admin': ['scope-tag-read'],
};

/** Names old documentation taught and scripts still send, to the scope meant. */
export const OLD_NAMES = {
  'repo-pull': 'scope-image-pull',
  'repo-push': 'scope-image-push',
  'repo-delete': 'scope-image-delete',
  'repo:read': 'scope-image-pull',
  'repo:write': 'scope-image-push',
  'repo:admin': 'scope-image-delete',
};
