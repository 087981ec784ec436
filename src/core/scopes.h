/* Written by scripts/scopes.mjs from src/core/scopes.txt: edit that file, not this one.
 * The scopes Docker Hub knows without their "scope-" prefix, in the documentation's order, and the
 * old names scripts still send, as X(old name, scope meant). */
#ifndef DH_SCOPES_H
#define DH_SCOPES_H

#define DH_REPO_SCOPES(X)                                                                          \
    X("image-pull")                                                                                \
    X("image-push")                                                                                \
    X("image-delete")                                                                              \
    X("repository-read")                                                                           \
    X("repository-edit")                                                                           \
    X("repository-admin")                                                                          \
    X("tag-read")                                                                                  \
    X("tag-admin")                                                                                 \
    X("webhook-read")                                                                              \
    X("webhook-edit")                                                                              \
    X("webhook-admin")                                                                             \
    X("repo-group-read")                                                                           \
    X("repo-group-edit")                                                                           \
    X("repo-group-admin")                                                                          \
    X("repository-settings-admin")

#define DH_ORG_SCOPES(X)                                                                           \
    X("member-read")                                                                               \
    X("member-edit")                                                                               \
    X("invite-read")                                                                               \
    X("invite-edit")                                                                               \
    X("group-read")                                                                                \
    X("group-edit")                                                                                \
    X("activity-read")                                                                             \
    X("siem_credentials-read")                                                                     \
    X("ram-read")                                                                                  \
    X("ram-write")                                                                                 \
    X("report-read")                                                                               \
    X("repository-create")                                                                         \
    X("repository-list")                                                                           \
    X("registry-usage-read")                                                                       \
    X("cloud-connect")                                                                             \
    X("audit_events-read")                                                                         \
    X("governance-policy-read")                                                                    \
    X("governance-policy-write")

#define DH_OLD_SCOPE_NAMES(X)                                                                      \
    X("repo-pull", "scope-image-pull")                                                             \
    X("repo-push", "scope-image-push")                                                             \
    X("repo-delete", "scope-image-delete")                                                         \
    X("repo:read", "scope-image-pull")                                                             \
    X("repo:write", "scope-image-push")                                                            \
    X("repo:admin", "scope-image-delete")

#endif
