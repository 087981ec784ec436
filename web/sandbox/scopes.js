/** The OAT scopes Docker documents, per resource type (the `scope-` prefix is part of each name). */

export const REPO_SCOPES = Object.freeze([
  'scope-image-pull', 'scope-image-push', 'scope-image-delete',
  'scope-repository-read', 'scope-repository-edit', 'scope-repository-admin',
  'scope-tag-read', 'scope-tag-admin',
  'scope-webhook-read', 'scope-webhook-edit', 'scope-webhook-admin',
  'scope-repo-group-read', 'scope-repo-group-edit', 'scope-repo-group-admin',
  'scope-repository-settings-admin',
]);

export const ORG_SCOPES = Object.freeze([
  'scope-member-read', 'scope-member-edit', 'scope-invite-read', 'scope-invite-edit',
  'scope-group-read', 'scope-group-edit', 'scope-activity-read', 'scope-siem_credentials-read',
  'scope-ram-read', 'scope-ram-write', 'scope-report-read', 'scope-repository-create',
  'scope-repository-list', 'scope-registry-usage-read', 'scope-cloud-connect',
  'scope-audit_events-read', 'scope-governance-policy-read', 'scope-governance-policy-write',
]);

export const SCOPES_BY_TYPE = Object.freeze({ TYPE_REPO: REPO_SCOPES, TYPE_ORG: ORG_SCOPES });
