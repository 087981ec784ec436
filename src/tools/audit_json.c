/* dh_audit_json: the audit in the JS bindings' form, JSON text in and out. The input is decoded
 * as strictly as a response body (the same token decoder), so a fuzzer reaches every rule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "dockerhub_oat_audit.h"
#include "internal.h"

/* A whole number in [lo, hi] into *out; absent or null leaves *out as it was. */
static bool take_int(const cJSON *root, const char *name, double lo, double hi, int64_t *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!v || cJSON_IsNull(v)) return true;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
        v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

static const char *read_options(const cJSON *root, dh_audit_options *o) {
    int64_t unused = 90, expiring = 14, limit = -1, now = 0;
    /* Windows up to 100 years: far beyond any token's life, and far from overflowing days * 86400.
     */
    if (!take_int(root, "now", 0, 253402300799.0, &now)) return "now must be unix seconds";
    if (!take_int(root, "unused_days", 1, 36500, &unused))
        return "unused_days must be a whole number from 1 to 36500";
    if (!take_int(root, "expiring_days", 1, 36500, &expiring))
        return "expiring_days must be a whole number from 1 to 36500";
    if (!take_int(root, "limit", 1, 1e9, &limit))
        return "limit must be a whole number of at least 1";
    *o = (dh_audit_options){
        .now = now, .unused_days = (int)unused, .expiring_days = (int)expiring, .limit = limit};
    return NULL;
}

static const char *read_tokens(const cJSON *root, dh_arena *a, dh_token **out, size_t *n) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "tokens");
    if (!cJSON_IsArray(arr)) return "tokens must be an array";
    *n = (size_t)cJSON_GetArraySize(arr);
    dh_token *tokens = dh_arena_alloc(a, (*n ? *n : 1) * sizeof *tokens);
    if (!tokens) return DH_OOM_MESSAGE;
    size_t i = 0;
    for (const cJSON *item = arr->child; item; item = item->next, i++) {
        const char *why = dh_decode_token_object(item, a, &tokens[i]);
        if (why) return why;
    }
    *out = tokens;
    return NULL;
}

static void put_int(dh_buf *b, const char *name, int64_t v) {
    dh_buf_puts(b, ",\"");
    dh_buf_puts(b, name);
    dh_buf_puts(b, "\":");
    dh_buf_int(b, v);
}

static void put_finding(dh_buf *b, const dh_audit_finding *f) {
    dh_buf_puts(b, "{\"token_index\":");
    dh_buf_int(b, (int64_t)f->token_index);
    dh_buf_puts(b, ",\"token_id\":");
    dh_buf_json_string(b, f->token_id);
    dh_buf_puts(b, ",\"kind\":");
    dh_buf_json_string(b, dh_audit_kind_name(f->kind));
    dh_buf_puts(b, ",\"severity\":");
    dh_buf_json_string(b, dh_severity_name(f->severity));
    if (f->days >= 0) put_int(b, "days", f->days);
    if (f->at >= 0) put_int(b, "at", f->at);
    if (f->kind == DH_AUDIT_UNUSED)
        dh_buf_puts(b, f->never_used ? ",\"never_used\":true" : ",\"never_used\":false");
    if (f->kind == DH_AUDIT_BROAD) {
        dh_buf_puts(b, ",\"reason\":");
        dh_buf_json_string(b, dh_audit_reason_name(f->reason));
        dh_buf_puts(b, ",\"path\":");
        dh_buf_json_string(b, f->path);
        dh_buf_puts(b, ",\"scopes\":[");
        for (size_t i = 0; i < f->scope_count; i++) {
            if (i) dh_buf_puts(b, ",");
            dh_buf_json_string(b, f->scopes[i]);
        }
        dh_buf_puts(b, "]");
    }
    dh_buf_puts(b, "}");
}

static void put_summary(dh_buf *b, const dh_audit_summary *s) {
    dh_buf_puts(b, "\"summary\":{\"tokens\":");
    dh_buf_int(b, (int64_t)s->tokens);
    put_int(b, "active", (int64_t)s->active);
    put_int(b, "inactive", (int64_t)s->inactive);
    put_int(b, "expired", (int64_t)s->expired);
    dh_buf_puts(b, ",\"limit\":");
    if (s->limit < 0) dh_buf_puts(b, "null");
    else dh_buf_int(b, s->limit);
    dh_buf_puts(b, ",\"available\":");
    if (s->available < 0) dh_buf_puts(b, "null");
    else dh_buf_int(b, s->available);
    dh_buf_puts(b, s->at_limit ? ",\"at_limit\":true" : ",\"at_limit\":false");
    put_int(b, "findings", (int64_t)s->findings);
    put_int(b, "flagged_tokens", (int64_t)s->flagged_tokens);
    dh_buf_puts(b, ",\"by_severity\":{");
    for (int v = DH_SEVERITY_LOW; v <= DH_SEVERITY_HIGH; v++) {
        if (v > DH_SEVERITY_LOW) dh_buf_puts(b, ",");
        dh_buf_json_string(b, dh_severity_name((dh_severity)v));
        dh_buf_puts(b, ":");
        dh_buf_int(b, (int64_t)s->by_severity[v]);
    }
    dh_buf_puts(b, "},\"worst\":");
    if (s->worst) dh_buf_json_string(b, dh_severity_name((dh_severity)s->worst));
    else dh_buf_puts(b, "null");
    dh_buf_puts(b, "}");
}

static char *encode(const dh_audit_result *r, const char **why) {
    dh_buf b = {0};
    dh_buf_puts(&b, "{\"findings\":[");
    for (size_t i = 0; i < r->count; i++) {
        if (i) dh_buf_puts(&b, ",");
        put_finding(&b, &r->findings[i]);
    }
    dh_buf_puts(&b, "],");
    put_summary(&b, &r->summary);
    dh_buf_puts(&b, "}");
    char *text = dh_buf_take(&b); /* NULL (and freed) on oom */
    dh_buf_free(&b);
    if (!text) *why = DH_OOM_MESSAGE;
    return text;
}

char *dh_audit_json(const char *json, size_t len, const char **why) {
    *why = NULL;
    dh_arena *a = dh_arena_new();
    cJSON *root = json && len ? cJSON_ParseWithLength(json, len) : NULL;
    dh_audit_options o;
    dh_token *tokens = NULL;
    size_t n = 0;
    dh_audit_result r = {0};
    char *out = NULL;
    if (!a) *why = DH_OOM_MESSAGE;
    else if (!cJSON_IsObject(root)) *why = "the audit input is not a JSON object";
    else if (!(*why = read_options(root, &o)) && !(*why = read_tokens(root, a, &tokens, &n))) {
        dh_code c = dh_audit_tokens(tokens, n, &o, &r);
        if (c == DH_OK) out = encode(&r, why);
        else *why = c == DH_ERR_NO_MEMORY ? DH_OOM_MESSAGE : "the tokens are malformed";
    }
    dh_audit_result_free(&r);
    cJSON_Delete(root);
    dh_arena_free(a);
    return out;
}
