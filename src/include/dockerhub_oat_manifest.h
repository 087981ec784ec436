/*
 * Tokens as code: a manifest (JSON) that lists an organization's access tokens, and the plan
 * that turns the organization's tokens into the ones the manifest lists.
 *
 *   {
 *     "$schema": "...",                      optional, ignored
 *     "version": 1,                          optional; 1 is the only version
 *     "tokens": {
 *       "ci-pull": {                          the label: unique, the token's key
 *         "id": "...",                        optional: match this token by id (a rename)
 *         "description": "CI pulls",          optional, default ""
 *         "resources": {                      optional, default none
 *           "repositories": { "acme/api": ["image-pull", "scope-image-push"] },
 *           "org": ["member-read"],
 *           "public_read": true
 *         },
 *         "expires": "90d",                   "Nd", "Nw", "Ny" (365 days), "2027-01-31",
 *                                             an RFC 3339 date-time, or "never" (the default)
 *         "active": true,                     optional, default true
 *         "rotate_every": "60d",              optional, Nd, Nw or Ny: the plan rotates a token
 *                                             created that long ago (a "rotate" step)
 *         "secret": { "exec": "vault kv put secret/ci token=-" }   or { "out": "ci.token" }
 *       }
 *     }
 *   }
 *
 * Scopes may be written with or without their "scope-" prefix; they are kept with it.
 *
 * "Expiry differs", the rule behind a replace (Docker Hub cannot change an expiry):
 *   never     differs when the token has an expiry.
 *   a date    differs when the token never expires or its expiry is more than a minute away.
 *   Nd/Nw/Ny  means "expires N days after it was created": differs when the token never expires
 *             or its expires_at is more than a day from created_at + N days. The day of slack
 *             covers the clocks of this machine and Docker Hub and the time between a plan and
 *             its apply, so the plan made right after an apply has nothing to do.
 *
 * Ownership: dh_manifest_parse returns a manifest that owns all its strings and arrays; free it
 * with dh_manifest_free. dh_plan_make returns a plan that borrows from the manifest and from the
 * tokens it was given (both must outlive it) and owns the rest; free it with dh_plan_free.
 */
#ifndef DOCKERHUB_OAT_MANIFEST_H
#define DOCKERHUB_OAT_MANIFEST_H

#include "dockerhub_oat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dh_expiry_kind { DH_EXPIRY_NEVER, DH_EXPIRY_DAYS, DH_EXPIRY_AT } dh_expiry_kind;
typedef enum dh_secret_kind { DH_SECRET_NONE, DH_SECRET_EXEC, DH_SECRET_OUT } dh_secret_kind;

typedef struct dh_manifest_repo {
    const char *path;
    const char *const *scopes; /* with the "scope-" prefix */
    size_t scope_count;
    int line;
} dh_manifest_repo;

typedef struct dh_manifest_token {
    const char *label;
    int line;                /* of the label's key */
    const char *id;          /* NULL: matched by label */
    const char *description; /* "" when absent */
    const dh_manifest_repo *repos;
    size_t repo_count;
    const char *const *org_scopes;
    size_t org_scope_count;
    int public_read;
    dh_expiry_kind expiry;
    int64_t expiry_days; /* DH_EXPIRY_DAYS */
    int64_t expiry_at;   /* DH_EXPIRY_AT: unix seconds */
    const char *expires; /* as written; "never" when absent */
    int active;
    dh_secret_kind secret;
    const char *secret_target; /* the command (exec) or the file (out) */
    int64_t rotate_every_days; /* "rotate_every": "60d" (Nd, Nw, Ny); 0 when absent */
    const char *rotate_every;  /* as written; NULL when absent */
} dh_manifest_token;

typedef struct dh_manifest {
    const dh_manifest_token *tokens; /* in the file's order */
    size_t count;
    void *priv;
} dh_manifest;

typedef struct dh_manifest_error {
    int line; /* 1-based; 0 when no line applies */
    char message[320];
} dh_manifest_error;

/* Parses and checks a manifest of `len` bytes. NULL with *err filled when it is refused (or out
 * of memory). Free with dh_manifest_free. */
DH_PUBLIC dh_manifest *dh_manifest_parse(const char *text, size_t len, dh_manifest_error *err);
DH_PUBLIC void dh_manifest_free(dh_manifest *m);

typedef enum dh_step_kind {
    DH_STEP_UNCHANGED,
    DH_STEP_CREATE,
    DH_STEP_UPDATE,
    DH_STEP_REPLACE,
    DH_STEP_DELETE,
    DH_STEP_UNMANAGED,
    DH_STEP_ROTATE /* rotate_every is due: a new token like the entry, then the old one retired */
} dh_step_kind;

/* What differs, for an update or a replace. */
enum {
    DH_CHANGE_LABEL = 1,
    DH_CHANGE_DESCRIPTION = 2,
    DH_CHANGE_RESOURCES = 4,
    DH_CHANGE_ACTIVE = 8,
    DH_CHANGE_EXPIRY = 16
};

typedef struct dh_plan_step {
    dh_step_kind kind;
    const dh_manifest_token *entry; /* NULL for delete and unmanaged */
    const dh_token *token;          /* the org's token; NULL for create */
    unsigned changes;
    /* The wanted resources in the API's form (create, update, replace). */
    const dh_resource *resources;
    size_t resource_count;
    const char *expires_at;   /* create, replace and rotate: the new token's; NULL never */
    const char *rotation_due; /* with rotate_every and a token: when it is (was) due; else NULL */
} dh_plan_step;

typedef struct dh_plan {
    const char *org;
    int prune;
    const dh_plan_step *steps; /* the manifest's entries in order, then the unlisted tokens */
    size_t count;
    size_t changes; /* steps that are neither unchanged nor unmanaged */
    void *priv;
} dh_plan;

/* The plan for `org` (a name) from the manifest and the org's `n` tokens, which need their
 * description and resources (a list page has neither: get each). `now` is unix seconds, for the
 * expiry of new tokens. NULL with *err filled (line 0 or the entry's) when no plan can be made:
 * two org tokens share a listed label, an id is not in the org, a repository is not the org's, or
 * a token to create would expire before `now`. Free with dh_plan_free. */
DH_PUBLIC dh_plan *dh_plan_make(const dh_manifest *m, const char *org, const dh_token *tokens,
                                size_t n, int64_t now, int prune, dh_manifest_error *err);
DH_PUBLIC void dh_plan_free(dh_plan *p);

#ifdef __cplusplus
}
#endif
#endif
