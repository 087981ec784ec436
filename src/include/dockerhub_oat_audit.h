/*
 * dockerhub-oat token hygiene: the audit's rules, in one place for C programs and for the JS
 * bindings (which only word and present what these return).
 *
 * Given the organization's tokens (each with its resources, as dh_get_token returns them), the
 * time now and two windows, dh_audit_tokens returns findings per token and a summary. It makes
 * no request and reads no clock: the caller passes `now`, so a test can fix it.
 *
 * The rules, per token:
 *   expired    expires_at <= now. The token cannot be used but counts toward the plan's limit
 *              until deleted. An expired token gets no other finding.
 *   inactive   is_active is false (and not expired). Counts toward the limit; no other finding.
 *   unused     active, and last used unused_days or more ago; or never used and created
 *              unused_days or more ago.
 *   expiring   active, and expires within expiring_days.
 *   no_expiry  active, and never expires (the expiry cannot be added later: only a rotation can).
 *   broad      active, and one of (one finding per resource and reason):
 *                admin      a scope ending in "-admin" (repository, tag, webhook, settings...)
 *                delete     scope-image-delete
 *                org_write  a TYPE_ORG scope that changes the organization ("-edit", "-write",
 *                           scope-repository-create, scope-cloud-connect)
 *                wildcard   a TYPE_REPO path with a '*' other than the public-repositories path
 *                public_with_private  the public-repositories path beside other TYPE_REPO
 *                           resources: one leaked secret then opens both
 * Severities: high for admin, delete and org_write; medium for expired, unused, expiring and
 * wildcard; low for inactive, no_expiry and public_with_private.
 * A date that does not parse as RFC 3339 counts as absent (no finding rests on it).
 */
#ifndef DOCKERHUB_OAT_AUDIT_H
#define DOCKERHUB_OAT_AUDIT_H

#include "dockerhub_oat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dh_audit_kind {
    DH_AUDIT_EXPIRED,
    DH_AUDIT_INACTIVE,
    DH_AUDIT_UNUSED,
    DH_AUDIT_EXPIRING,
    DH_AUDIT_NO_EXPIRY,
    DH_AUDIT_BROAD
} dh_audit_kind;

/* Ordered: a gate "at or above medium" is `severity >= DH_SEVERITY_MEDIUM`. */
typedef enum dh_severity { DH_SEVERITY_LOW = 1, DH_SEVERITY_MEDIUM, DH_SEVERITY_HIGH } dh_severity;

typedef enum dh_audit_reason {
    DH_REASON_NONE,
    DH_REASON_ADMIN,
    DH_REASON_DELETE,
    DH_REASON_ORG_WRITE,
    DH_REASON_WILDCARD,
    DH_REASON_PUBLIC_WITH_PRIVATE
} dh_audit_reason;

/* "expired", "high", "org_write", ...: the JS names. Static strings. */
DH_PUBLIC const char *dh_audit_kind_name(dh_audit_kind kind);
DH_PUBLIC const char *dh_severity_name(dh_severity severity);
DH_PUBLIC const char *dh_audit_reason_name(dh_audit_reason reason);
/* "low", "medium", "high" to the enum; 0 for anything else. */
DH_PUBLIC int dh_severity_from_name(const char *name);

typedef struct dh_audit_options {
    int64_t now;       /* unix seconds */
    int unused_days;   /* 0: 90 */
    int expiring_days; /* 0: 14 */
    int64_t limit;     /* the plan's token limit; <= 0: unknown */
} dh_audit_options;

/* One finding. Strings and the scopes array point into the tokens that were audited (borrowed:
 * valid while they are); the scopes array itself belongs to the result. */
typedef struct dh_audit_finding {
    size_t token_index; /* into the tokens passed in */
    const char *token_id;
    dh_audit_kind kind;
    dh_severity severity;
    /* expired: days since expiry; unused: days since last use (or since creation when never
     * used); expiring: whole days left (0: less than one). -1 for the other kinds. */
    int64_t days;
    /* The moment the finding rests on, unix seconds: expiry (expired, expiring), last use or
     * creation (unused); -1 for the other kinds. */
    int64_t at;
    int never_used;            /* unused: the token was never used */
    dh_audit_reason reason;    /* broad only */
    const char *path;          /* broad: the resource's path */
    const char *const *scopes; /* broad (admin, delete, org_write): the scopes that make it so */
    size_t scope_count;
} dh_audit_finding;

typedef struct dh_audit_summary {
    size_t tokens; /* all of them count toward the limit, expired and inactive too */
    size_t active, inactive, expired;
    int64_t limit;     /* -1: unknown */
    int64_t available; /* limit - tokens (never below 0); -1 when the limit is unknown */
    int at_limit;      /* tokens >= limit, where the limit is known */
    size_t findings;
    size_t by_severity[4]; /* indexed by dh_severity; [0] unused */
    int worst;             /* the highest dh_severity found, 0 for none */
    size_t flagged_tokens; /* tokens with at least one finding */
} dh_audit_summary;

/* Owner: the caller; free with dh_audit_result_free. */
typedef struct dh_audit_result {
    dh_audit_finding *findings; /* grouped by token, in the order of the tokens */
    size_t count;
    dh_audit_summary summary;
} dh_audit_result;

/* Audits `n` tokens. Returns DH_OK, DH_ERR_INVALID_ARGUMENT (a negative window, NULL tokens with
 * n > 0, a token without an id) or DH_ERR_NO_MEMORY; on failure *out is empty and needs no free.
 * `options` may be NULL for the defaults with now = 0. */
DH_PUBLIC dh_code dh_audit_tokens(const dh_token *tokens, size_t n, const dh_audit_options *options,
                                  dh_audit_result *out);
DH_PUBLIC void dh_audit_result_free(dh_audit_result *result);

#ifdef __cplusplus
}
#endif
#endif
