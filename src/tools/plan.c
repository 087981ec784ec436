/* The plan: what turns an organization's tokens into the manifest's (dockerhub_oat_manifest.h).
 * Tokens are matched by id where the manifest gives one, else by label; a listed label held by
 * two tokens, or by a token the manifest matched elsewhere, is refused rather than guessed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "dockerhub_oat_manifest.h"
#include "internal.h"

#define DAY 86400
#define EXPIRY_AT_SLACK 60
/* The furthest expiry Docker Hub takes (manifest.c refuses a longer relative one). */
#define MAX_EXPIRY_DAYS 365
/* The clock's range: 1970 to 3000. With it and RFC 3339's four-digit years, no sum or product of
 * times below can overflow int64, and now + a year is still a four-digit year. */
#define MAX_NOW INT64_C(32503680000)

struct plan_priv {
    dh_arena *arena;
};

static void plan_error(dh_manifest_error *err, int line, const char *what) {
    /* what is at most 299 bytes: it fits beside "line N: ". */
    err->line = line;
    if (line > 0) (void)snprintf(err->message, sizeof err->message, "line %d: %s", line, what);
    else (void)snprintf(err->message, sizeof err->message, "%s", what);
}

static bool same(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* The entry's resources in the API's form: repositories, then public read, then the org's. */
static bool wanted_resources(dh_arena *a, const dh_manifest_token *e, const char *org,
                             dh_plan_step *s) {
    static const char *const public_scopes[] = {"scope-image-pull"};
    size_t n = e->repo_count + (e->public_read ? 1 : 0) + (e->org_scope_count ? 1 : 0);
    dh_resource *r = dh_arena_alloc(a, (n ? n : 1) * sizeof *r);
    if (!r) return false;
    size_t i = 0;
    for (; i < e->repo_count; i++)
        r[i] = (dh_resource){"TYPE_REPO", e->repos[i].path, e->repos[i].scopes,
                             e->repos[i].scope_count};
    if (e->public_read) r[i++] = (dh_resource){"TYPE_REPO", "*/*/public", public_scopes, 1};
    if (e->org_scope_count)
        r[i++] = (dh_resource){"TYPE_ORG", org, e->org_scopes, e->org_scope_count};
    s->resources = r;
    s->resource_count = n;
    return true;
}

static bool scope_sets_equal(const dh_resource *x, const dh_resource *y) {
    if (x->scope_count != y->scope_count) return false;
    for (size_t i = 0; i < x->scope_count; i++) {
        size_t j = 0;
        while (j < y->scope_count && !same(x->scopes[i], y->scopes[j])) j++;
        if (j == y->scope_count) return false;
    }
    return true;
}

/* The same resources, in any order, with the same scopes in any order. */
static bool resources_equal(const dh_resource *want, size_t n, const dh_resource *have, size_t m) {
    if (n != m) return false;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < m && !(same(want[i].type, have[j].type) && same(want[i].path, have[j].path) &&
                          scope_sets_equal(&want[i], &have[j])))
            j++;
        if (j == m) return false;
    }
    return true;
}

/* The rule in the header: a relative expiry counts from the token's own creation. */
static bool expiry_differs(const dh_manifest_token *e, const dh_token *t) {
    int64_t expires, created;
    if (e->expiry == DH_EXPIRY_NEVER) return t->expires_at != NULL;
    if (!t->expires_at || dh_parse_rfc3339(t->expires_at, &expires)) return true;
    if (e->expiry == DH_EXPIRY_AT) return llabs(expires - e->expiry_at) > EXPIRY_AT_SLACK;
    if (!t->created_at || dh_parse_rfc3339(t->created_at, &created)) return true;
    return llabs(expires - (created + e->expiry_days * DAY)) > DAY;
}

static const char *format_time(dh_arena *a, int64_t t) {
    int64_t days = t / DAY, secs = t % DAY;
    if (secs < 0) secs += DAY, days--;
    /* civil_from_days (Howard Hinnant) */
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t y = yoe + era * 400 + (m <= 2);
    char *out = dh_arena_alloc(a, 32);
    if (out)
        (void)snprintf(out, 32, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
                       (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    return out;
}

static unsigned changes_of(const dh_manifest_token *e, const dh_token *t, const dh_plan_step *s) {
    unsigned c = 0;
    if (!same(e->label, t->label)) c |= DH_CHANGE_LABEL;
    if (!same(e->description, t->description)) c |= DH_CHANGE_DESCRIPTION;
    if (!resources_equal(s->resources, s->resource_count, t->resources, t->resource_count))
        c |= DH_CHANGE_RESOURCES;
    if (e->active != (t->is_active != 0)) c |= DH_CHANGE_ACTIVE;
    if (expiry_differs(e, t)) c |= DH_CHANGE_EXPIRY;
    return c;
}

/* The org's token for entry `e`, or NULL (a create); false when it cannot be told. */
static bool match(const dh_manifest_token *e, const dh_token *tokens, size_t n,
                  const dh_token **out, dh_manifest_error *err) {
    char what[300];
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        bool hit = e->id ? same(tokens[i].id, e->id) : same(tokens[i].label, e->label);
        if (!hit) continue;
        if (*out) {
            (void)snprintf(
                what, sizeof what,
                "the organization has two tokens labelled \"%.60s\" (%.40s and %.40s): labels must be "
                "unique; delete or relabel one, or give the one to keep by \"id\"",
                e->label, (*out)->id, tokens[i].id);
            return plan_error(err, e->line, what), false;
        }
        *out = &tokens[i];
    }
    if (e->id && !*out) {
        (void)snprintf(what, sizeof what,
                       "token \"%.60s\": the organization has no token with id %.60s", e->label,
                       e->id);
        return plan_error(err, e->line, what), false;
    }
    return true;
}

static bool claimed(const dh_plan_step *steps, size_t n, const dh_token *t) {
    for (size_t i = 0; i < n; i++)
        if (steps[i].token == t) return true;
    return false;
}

/* A token left out of the plan that holds a label the plan gives another token. */
static bool label_clash(const dh_plan_step *steps, size_t n, const dh_token *tokens, size_t m,
                        dh_manifest_error *err) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) {
            if (claimed(steps, n, &tokens[j]) || !same(tokens[j].label, steps[i].entry->label))
                continue;
            char what[300];
            (void)snprintf(
                what, sizeof what,
                "token \"%.60s\": token %.40s holds that label too; labels must be unique",
                steps[i].entry->label, tokens[j].id);
            return plan_error(err, steps[i].entry->line, what), true;
        }
    return false;
}

/* What Docker Hub would refuse anyway, refused here before any change: a repository of another
 * organization (org names are case-insensitive), a new token that expires in the past. */
static bool entry_sound(const dh_manifest_token *e, const char *org, int64_t now, bool creates,
                        dh_manifest_error *err) {
    char what[300];
    size_t n = strlen(org);
    for (size_t i = 0; i < e->repo_count; i++) {
        const char *path = e->repos[i].path;
        bool ours = strlen(path) > n && path[n] == '/';
        for (size_t k = 0; ours && k < n; k++) ours = (path[k] | 0x20) == (org[k] | 0x20);
        if (ours) continue;
        (void)snprintf(what, sizeof what,
                       "token \"%.60s\": repository \"%.60s\" is not in %.60s (write %.60s/NAME)",
                       e->label, path, org, org);
        return plan_error(err, e->repos[i].line, what), false;
    }
    if (creates && e->expiry == DH_EXPIRY_AT && e->expiry_at <= now) {
        (void)snprintf(what, sizeof what, "token \"%.60s\": expires %.40s is in the past", e->label,
                       e->expires);
        return plan_error(err, e->line, what), false;
    }
    if (creates && e->expiry == DH_EXPIRY_AT &&
        e->expiry_at > now + (int64_t)MAX_EXPIRY_DAYS * DAY) {
        (void)snprintf(
            what, sizeof what,
            "token \"%.60s\": expires %.40s is past what Docker Hub takes: at most %d days ahead",
            e->label, e->expires, MAX_EXPIRY_DAYS);
        return plan_error(err, e->line, what), false;
    }
    return true;
}

/* rotate_every: when the token is due (its created_at + the interval); *due is 0 without one. */
static bool rotation_due(const dh_manifest_token *e, const dh_token *t, int64_t *due) {
    int64_t created;
    *due = 0;
    if (!e->rotate_every_days || !t || !t->created_at || dh_parse_rfc3339(t->created_at, &created))
        return false;
    *due = created + e->rotate_every_days * DAY;
    return true;
}

static bool makes_token(dh_step_kind k) {
    return k == DH_STEP_CREATE || k == DH_STEP_REPLACE || k == DH_STEP_ROTATE;
}

static bool entry_step(dh_arena *a, const dh_manifest_token *e, const char *org, const dh_token *t,
                       int64_t now, dh_plan_step *s) {
    *s = (dh_plan_step){.entry = e, .token = t};
    if (!wanted_resources(a, e, org, s)) return false;
    s->changes = t ? changes_of(e, t, s) : 0;
    int64_t due;
    bool scheduled = rotation_due(e, t, &due);
    s->kind = !t                              ? DH_STEP_CREATE
              : s->changes & DH_CHANGE_EXPIRY ? DH_STEP_REPLACE
              : scheduled && due <= now       ? DH_STEP_ROTATE
              : s->changes                    ? DH_STEP_UPDATE
                                              : DH_STEP_UNCHANGED;
    if (scheduled && !(s->rotation_due = format_time(a, due))) return false;
    if (makes_token(s->kind)) {
        if (e->expiry == DH_EXPIRY_DAYS) s->expires_at = format_time(a, now + e->expiry_days * DAY);
        else if (e->expiry == DH_EXPIRY_AT) s->expires_at = format_time(a, e->expiry_at);
        if (e->expiry != DH_EXPIRY_NEVER && !s->expires_at) return false;
    }
    return true;
}

dh_plan *dh_plan_make(const dh_manifest *m, const char *org, const dh_token *tokens, size_t n,
                      int64_t now, int prune, dh_manifest_error *err) {
    *err = (dh_manifest_error){0};
    if (!m || (n && !tokens) || dh_check_name(org))
        return plan_error(err, 0, "a manifest, an org name and the tokens are required"), NULL;
    if (now < 0 || now > MAX_NOW)
        return plan_error(err, 0, "the clock must be between 1970 and 3000"), NULL;
    dh_plan *p = dh_calloc(1, sizeof *p);
    struct plan_priv *priv = dh_calloc(1, sizeof *priv);
    dh_arena *a = dh_arena_new();
    dh_plan_step *steps = a ? dh_arena_alloc(a, (m->count + n + 1) * sizeof *steps) : NULL;
    const char *org_copy = steps ? dh_arena_strdup(a, org) : NULL;
    bool ok = p && priv && org_copy;
    if (!ok) plan_error(err, 0, DH_OOM_MESSAGE);
    size_t count = 0;
    for (size_t i = 0; ok && i < m->count; i++) {
        const dh_token *t;
        ok = match(&m->tokens[i], tokens, n, &t, err);
        if (ok && t && claimed(steps, count, t)) {
            plan_error(err, m->tokens[i].line, "two entries of the manifest name the same token");
            ok = false;
        }
        if (ok && !entry_step(a, &m->tokens[i], org_copy, t, now, &steps[count])) {
            plan_error(err, 0, DH_OOM_MESSAGE);
            ok = false;
        }
        if (ok) {
            dh_step_kind k = steps[count++].kind;
            ok = entry_sound(&m->tokens[i], org, now, makes_token(k), err);
        }
    }
    ok = ok && !label_clash(steps, count, tokens, n, err);
    size_t listed = count;
    for (size_t j = 0; ok && j < n; j++)
        if (!claimed(steps, listed, &tokens[j]))
            steps[count++] = (dh_plan_step){.kind = prune ? DH_STEP_DELETE : DH_STEP_UNMANAGED,
                                            .token = &tokens[j]};
    if (!ok) {
        dh_arena_free(a);
        dh_free(priv);
        dh_free(p);
        return NULL;
    }
    priv->arena = a;
    *p = (dh_plan){.org = org_copy, .prune = prune, .steps = steps, .count = count, .priv = priv};
    for (size_t i = 0; i < count; i++)
        p->changes += steps[i].kind != DH_STEP_UNCHANGED && steps[i].kind != DH_STEP_UNMANAGED;
    return p;
}

void dh_plan_free(dh_plan *p) {
    if (!p) return;
    struct plan_priv *priv = p->priv;
    dh_arena_free(priv->arena);
    dh_free(priv);
    dh_free(p);
}

/* ---- JSON ---- */

static void str_or_null(dh_buf *b, const char *s) {
    if (s) dh_buf_json_string(b, s);
    else dh_buf_puts(b, "null");
}

static void named_fields(dh_buf *b, const char *const (*f)[2], size_t n) {
    for (size_t i = 0; i < n; i++) {
        dh_buf_puts(b, ",");
        dh_buf_json_string(b, f[i][0]);
        dh_buf_puts(b, ":");
        str_or_null(b, f[i][1]);
    }
}

/* The org's token as it is now: what a plan's reader compares against. */
static void token_json(dh_buf *b, const dh_token *t) {
    const char *const dates[][2] = {{"created_at", t->created_at},
                                    {"expires_at", t->expires_at},
                                    {"last_used_at", t->last_used_at}};
    dh_buf_puts(b, ",\"id\":");
    dh_buf_json_string(b, t->id);
    dh_buf_puts(b, ",\"before\":{\"label\":");
    str_or_null(b, t->label);
    dh_buf_puts(b, ",\"description\":");
    str_or_null(b, t->description);
    dh_buf_puts(b, ",\"is_active\":");
    dh_buf_puts(b, t->is_active == 0 ? "false" : "true");
    named_fields(b, dates, 3);
    dh_buf_puts(b, ",\"resources\":");
    dh_encode_resources(b, t->resources, t->resource_count);
    dh_buf_puts(b, "}");
}

static void changes_json(dh_buf *b, unsigned c) {
    static const char *const names[] = {"label", "description", "resources", "active", "expiry"};
    dh_buf_puts(b, ",\"changes\":[");
    bool first = true;
    for (int i = 0; i < 5; i++) {
        if (!(c & (1u << i))) continue;
        if (!first) dh_buf_puts(b, ",");
        first = false;
        dh_buf_json_string(b, names[i]);
    }
    dh_buf_puts(b, "]");
}

/* The request to send: a create's whole body, or an update's changed fields. */
static void request_json(dh_buf *b, const dh_plan_step *s) {
    const dh_manifest_token *e = s->entry;
    bool create = makes_token(s->kind);
    bool first = true;
    dh_buf_puts(b, ",\"request\":{");
#define FIELD(name) (dh_buf_puts(b, first ? "\"" name "\":" : ",\"" name "\":"), first = false)
    if (create || s->changes & DH_CHANGE_LABEL) FIELD("label"), dh_buf_json_string(b, e->label);
    if (create || s->changes & DH_CHANGE_DESCRIPTION)
        FIELD("description"), dh_buf_json_string(b, e->description);
    if (create || s->changes & DH_CHANGE_RESOURCES)
        FIELD("resources"), dh_encode_resources(b, s->resources, s->resource_count);
    if (create) FIELD("expires_at"), str_or_null(b, s->expires_at);
    if (!create && s->changes & DH_CHANGE_ACTIVE)
        FIELD("is_active"), dh_buf_puts(b, e->active ? "true" : "false");
#undef FIELD
    dh_buf_puts(b, "}");
}

static void entry_json(dh_buf *b, const dh_manifest_token *e, const dh_plan_step *s) {
    if (e->rotate_every) {
        dh_buf_puts(b, ",\"rotate_every\":");
        dh_buf_json_string(b, e->rotate_every);
    }
    if (s->rotation_due) {
        dh_buf_puts(b, ",\"rotation_due\":");
        dh_buf_json_string(b, s->rotation_due);
    }
    dh_buf_puts(b, ",\"line\":");
    dh_buf_int(b, e->line);
    dh_buf_puts(b, ",\"expires\":");
    dh_buf_json_string(b, e->expires);
    dh_buf_puts(b, ",\"active\":");
    dh_buf_puts(b, e->active ? "true" : "false");
    dh_buf_puts(b, ",\"secret\":");
    if (e->secret == DH_SECRET_NONE) {
        dh_buf_puts(b, "null");
        return;
    }
    dh_buf_puts(b, e->secret == DH_SECRET_EXEC ? "{\"exec\":" : "{\"out\":");
    dh_buf_json_string(b, e->secret_target);
    dh_buf_puts(b, "}");
}

static void step_json(dh_buf *b, const dh_plan_step *s) {
    static const char *const actions[] = {"unchanged", "create",    "update", "replace",
                                          "delete",    "unmanaged", "rotate"};
    dh_buf_puts(b, "{\"action\":");
    dh_buf_json_string(b, actions[s->kind]);
    dh_buf_puts(b, ",\"label\":");
    str_or_null(b, s->entry ? s->entry->label : s->token->label);
    if (s->token) token_json(b, s->token);
    if (s->entry) {
        entry_json(b, s->entry, s);
        changes_json(b, s->changes);
        if (s->kind != DH_STEP_UNCHANGED) request_json(b, s);
    }
    dh_buf_puts(b, "}");
}

char *dh_plan_to_json(const dh_plan *p) {
    dh_buf b = {0};
    dh_buf_puts(&b, "{\"org\":");
    dh_buf_json_string(&b, p->org);
    dh_buf_puts(&b, p->prune ? ",\"prune\":true,\"changes\":" : ",\"prune\":false,\"changes\":");
    dh_buf_int(&b, (int64_t)p->changes);
    dh_buf_puts(&b, ",\"steps\":[");
    for (size_t i = 0; i < p->count; i++) {
        if (i) dh_buf_puts(&b, ",");
        step_json(&b, &p->steps[i]);
    }
    dh_buf_puts(&b, "]}");
    if (b.oom) {
        dh_buf_free(&b);
        return NULL;
    }
    return dh_buf_take(&b);
}
