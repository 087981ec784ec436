// The scopes Docker Hub knows, grouped as its documentation groups them. In each group a later
// scope includes the earlier ones where `implies` says so.

export const SCOPES = Object.freeze({
  TYPE_REPO: Object.freeze({
    image: ['scope-image-pull', 'scope-image-push', 'scope-image-delete'],
    repository: ['scope-repository-read', 'scope-repository-edit', 'scope-repository-admin'],
    tag: ['scope-tag-read', 'scope-tag-admin'],
    webhook: ['scope-webhook-read', 'scope-webhook-edit', 'scope-webhook-admin'],
    repoGroup: ['scope-repo-group-read', 'scope-repo-group-edit', 'scope-repo-group-admin'],
    settings: ['scope-repository-settings-admin'],
  }),
  TYPE_ORG: Object.freeze([
    'scope-member-read', 'scope-member-edit', 'scope-invite-read', 'scope-invite-edit',
    'scope-group-read', 'scope-group-edit', 'scope-activity-read', 'scope-siem_credentials-read',
    'scope-ram-read', 'scope-ram-write', 'scope-report-read', 'scope-repository-create',
    'scope-repository-list', 'scope-registry-usage-read', 'scope-cloud-connect',
    'scope-audit_events-read', 'scope-governance-policy-read', 'scope-governance-policy-write',
  ]),
  /** Public repositories, read only: the resource the API leaves off unless asked. */
  PUBLIC_READ: Object.freeze({ type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] }),
});
