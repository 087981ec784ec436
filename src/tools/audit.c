/* The token-hygiene rules (dockerhub_oat_audit.h has them in words). Pure functions of the
 * tokens and the options: no request, no clock. */
#include <stdlib.h>
#include <string.h>

#include "dockerhub_oat_audit.h"
#include "internal.h"

#define DAY 86400
#define PUBLIC_PATH "*/*/public"

const char *dh_audit_kind_name(dh_audit_kind kind) {
    static const char *const names[] = {"expired",  "inactive",  "unused",
                                        "expiring", "no_expiry", "broad"};
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "unknown";
}

const char *dh_severity_name(dh_severity severity) {
    switch (severity) {
    case DH_SEVERITY_LOW: return "low";
    case DH_SEVERITY_MEDIUM: return "medium";
    case DH_SEVERITY_HIGH: return "high";
    }
    return "unknown";
}

const char *dh_audit_reason_name(dh_audit_reason reason) {
    static const char *const names[] = {"none",      "admin",    "delete",
                                        "org_write", "wildcard", "public_with_private"};
    return (unsigned)reason < sizeof names / sizeof *names ? names[reason] : "unknown";
}

int dh_severity_from_name(const char *name) {
    for (int s = DH_SEVERITY_LOW; s <= DH_SEVERITY_HIGH; s++)
        if (name && strcmp(name, dh_severity_name((dh_severity)s)) == 0) return s;
    return 0;
}

/* A growing array of findings. Owner: the dh_audit_result it ends up in. */
typedef struct sink {
    dh_audit_finding *items;
    size_t count, cap;
    bool oom;
} sink;

static dh_audit_finding *push(sink *k, const dh_token *t, size_t index, dh_audit_kind kind,
                              dh_severity severity) {
    if (k->oom) return NULL;
    if (k->count == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 16;
        dh_audit_finding *grown = dh_realloc(k->items, cap * sizeof *grown);
        if (!grown) {
            k->oom = true;
            return NULL;
        }
        k->items = grown;
        k->cap = cap;
    }
    dh_audit_finding *f = &k->items[k->count++];
    *f = (dh_audit_finding){.token_index = index,
                            .token_id = t->id,
                            .kind = kind,
                            .severity = severity,
                            .days = -1,
                            .at = -1};
    return f;
}

/* A date that is absent or unreadable is -1: "no such moment" (dates before 1970 are not real
 * token dates, so -1 cannot collide with one that matters). */
/* No date, or one that is not RFC 3339: not -1, which is a date (1969-12-31T23:59:59Z). */
#define NO_TIME INT64_MIN

static int64_t when(const char *s) {
    int64_t t;
    return s && dh_parse_rfc3339(s, &t) == 0 ? t : NO_TIME;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool scope_has_reason(const char *type, const char *scope, dh_audit_reason reason) {
    bool org = strcmp(type, "TYPE_ORG") == 0;
    switch (reason) {
    case DH_REASON_ADMIN: return ends_with(scope, "-admin");
    case DH_REASON_DELETE: return strcmp(scope, "scope-image-delete") == 0;
    case DH_REASON_ORG_WRITE:
        return org && (ends_with(scope, "-edit") || ends_with(scope, "-write") ||
                       strcmp(scope, "scope-repository-create") == 0 ||
                       strcmp(scope, "scope-cloud-connect") == 0);
    default: return false;
    }
}

/* One finding per resource for a scope reason, listing the scopes that give it. The list is
 * allocated here and owned by the result (dh_audit_result_free). */
static void broad_scopes(sink *k, const dh_token *t, size_t index, const dh_resource *r,
                         dh_audit_reason reason) {
    size_t hits = 0;
    for (size_t j = 0; j < r->scope_count; j++)
        hits += r->scopes[j] && scope_has_reason(r->type, r->scopes[j], reason);
    if (!hits) return;
    const char **list = dh_malloc(hits * sizeof *list);
    dh_audit_finding *f = list ? push(k, t, index, DH_AUDIT_BROAD, DH_SEVERITY_HIGH) : NULL;
    if (!f) {
        dh_free(list);
        k->oom = true;
        return;
    }
    size_t i = 0;
    for (size_t j = 0; j < r->scope_count; j++)
        if (r->scopes[j] && scope_has_reason(r->type, r->scopes[j], reason))
            list[i++] = r->scopes[j];
    f->reason = reason;
    f->path = r->path;
    f->scopes = list;
    f->scope_count = hits;
}

static void broad_paths(sink *k, const dh_token *t, size_t index) {
    size_t public_at = t->resource_count, private_repos = 0;
    for (size_t i = 0; i < t->resource_count; i++) {
        const dh_resource *r = &t->resources[i];
        if (strcmp(r->type, "TYPE_REPO") != 0) continue;
        if (strcmp(r->path, PUBLIC_PATH) == 0) {
            public_at = i;
            continue;
        }
        private_repos++;
        if (!strchr(r->path, '*')) continue;
        dh_audit_finding *f = push(k, t, index, DH_AUDIT_BROAD, DH_SEVERITY_MEDIUM);
        if (f) {
            f->reason = DH_REASON_WILDCARD;
            f->path = r->path;
        }
    }
    if (public_at == t->resource_count || !private_repos) return;
    dh_audit_finding *f = push(k, t, index, DH_AUDIT_BROAD, DH_SEVERITY_LOW);
    if (f) {
        f->reason = DH_REASON_PUBLIC_WITH_PRIVATE;
        f->path = t->resources[public_at].path;
    }
}

static void broad(sink *k, const dh_token *t, size_t index) {
    static const dh_audit_reason scope_reasons[] = {DH_REASON_ADMIN, DH_REASON_DELETE,
                                                    DH_REASON_ORG_WRITE};
    for (size_t i = 0; i < t->resource_count; i++)
        for (size_t s = 0; s < 3; s++)
            broad_scopes(k, t, index, &t->resources[i], scope_reasons[s]);
    broad_paths(k, t, index);
}

static void usage_and_expiry(sink *k, const dh_token *t, size_t index, const dh_audit_options *o) {
    int64_t used = when(t->last_used_at), created = when(t->created_at),
            expires = when(t->expires_at);
    int64_t since = used != NO_TIME ? used : created;
    if (since != NO_TIME && o->now - since >= (int64_t)o->unused_days * DAY) {
        dh_audit_finding *f = push(k, t, index, DH_AUDIT_UNUSED, DH_SEVERITY_MEDIUM);
        if (f) {
            f->days = (o->now - since) / DAY;
            f->at = since;
            f->never_used = used == NO_TIME;
        }
    }
    if (!t->expires_at) {
        push(k, t, index, DH_AUDIT_NO_EXPIRY, DH_SEVERITY_LOW);
    } else if (expires != NO_TIME && expires - o->now <= (int64_t)o->expiring_days * DAY) {
        dh_audit_finding *f = push(k, t, index, DH_AUDIT_EXPIRING, DH_SEVERITY_MEDIUM);
        if (f) {
            f->days = (expires - o->now) / DAY;
            f->at = expires;
        }
    }
}

/* Returns which state the token is in for the summary: 0 active, 1 inactive, 2 expired. */
static int audit_one(sink *k, const dh_token *t, size_t index, const dh_audit_options *o) {
    int64_t expires = when(t->expires_at);
    if (expires != NO_TIME && expires <= o->now) {
        dh_audit_finding *f = push(k, t, index, DH_AUDIT_EXPIRED, DH_SEVERITY_MEDIUM);
        if (f) {
            f->days = (o->now - expires) / DAY;
            f->at = expires;
        }
        return 2;
    }
    if (t->is_active == 0) {
        push(k, t, index, DH_AUDIT_INACTIVE, DH_SEVERITY_LOW);
        return 1;
    }
    usage_and_expiry(k, t, index, o);
    broad(k, t, index);
    return 0;
}

static void summarize(dh_audit_result *r, size_t n, const size_t states[3],
                      const dh_audit_options *o) {
    dh_audit_summary *s = &r->summary;
    s->tokens = n;
    s->active = states[0];
    s->inactive = states[1];
    s->expired = states[2];
    s->limit = o->limit > 0 ? o->limit : -1;
    s->available = s->limit < 0 ? -1 : s->limit > (int64_t)n ? s->limit - (int64_t)n : 0;
    s->at_limit = s->limit > 0 && (int64_t)n >= s->limit;
    s->findings = r->count;
    size_t last_token = (size_t)-1;
    for (size_t i = 0; i < r->count; i++) {
        const dh_audit_finding *f = &r->findings[i];
        s->by_severity[f->severity]++;
        if ((int)f->severity > s->worst) s->worst = (int)f->severity;
        if (f->token_index != last_token) s->flagged_tokens++;
        last_token = f->token_index;
    }
}

static const char *check_tokens(const dh_token *tokens, size_t n) {
    if (n && !tokens) return "tokens: missing array";
    for (size_t i = 0; i < n; i++) {
        if (!tokens[i].id) return "tokens: each needs an id";
        const dh_token *t = &tokens[i];
        if (t->resource_count && !t->resources) return "tokens: missing resources array";
        for (size_t j = 0; j < t->resource_count; j++) {
            const dh_resource *r = &t->resources[j];
            if (!r->type || !r->path || (r->scope_count && !r->scopes))
                return "tokens: a resource is malformed";
        }
    }
    return NULL;
}

dh_code dh_audit_tokens(const dh_token *tokens, size_t n, const dh_audit_options *options,
                        dh_audit_result *out) {
    memset(out, 0, sizeof *out);
    dh_audit_options o = options ? *options : (dh_audit_options){0};
    if (o.unused_days < 0 || o.expiring_days < 0 || check_tokens(tokens, n))
        return DH_ERR_INVALID_ARGUMENT;
    if (!o.unused_days) o.unused_days = 90;
    if (!o.expiring_days) o.expiring_days = 14;
    sink k = {0};
    size_t states[3] = {0};
    for (size_t i = 0; i < n; i++) states[audit_one(&k, &tokens[i], i, &o)]++;
    out->findings = k.items;
    out->count = k.count;
    if (k.oom) {
        dh_audit_result_free(out);
        return DH_ERR_NO_MEMORY;
    }
    summarize(out, n, states, &o);
    return DH_OK;
}

void dh_audit_result_free(dh_audit_result *result) {
    if (!result) return;
    for (size_t i = 0; i < result->count; i++) dh_free((void *)result->findings[i].scopes);
    dh_free(result->findings);
    memset(result, 0, sizeof *result);
}
