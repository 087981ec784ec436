/* Non-2xx answers to dh_error: the code from the status, the words from a body of any shape. */
#include <stdio.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

#define DH_MESSAGE_MAX 1000

const char *dh_code_name(dh_code code) {
    static const char *const names[] = {
        "ok", "invalid_argument", "bad_request", "unauthorized", "forbidden", "not_found", "conflict",
        "rate_limited", "server_error", "unexpected_status", "invalid_response", "network", "timeout",
        "aborted", "closed", "no_memory"};
    return (unsigned)code < sizeof names / sizeof *names ? names[code] : "unexpected_status";
}

dh_code dh_code_for_status(int status) {
    switch (status) {
    case 400: return DH_ERR_BAD_REQUEST;
    case 401: return DH_ERR_UNAUTHORIZED;
    case 403: return DH_ERR_FORBIDDEN;
    case 404: return DH_ERR_NOT_FOUND;
    case 409: return DH_ERR_CONFLICT;
    case 429: return DH_ERR_RATE_LIMITED;
    default: return status >= 500 && status <= 599 ? DH_ERR_SERVER_ERROR : DH_ERR_UNEXPECTED_STATUS;
    }
}

/* An arena copy of at most DH_MESSAGE_MAX bytes, cut on a UTF-8 character boundary. */
static const char *clip(dh_arena *a, const char *s) {
    size_t n = strlen(s);
    if (n <= DH_MESSAGE_MAX) return dh_arena_strdup(a, s);
    n = DH_MESSAGE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    char *p = dh_arena_alloc(a, n + 4);
    if (!p) return NULL;
    memcpy(p, s, n);
    memcpy(p + n, "...", 4);
    return p;
}

static const char *string_field(const cJSON *root, const char *name, dh_arena *a) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    return cJSON_IsString(v) && *v->valuestring ? clip(a, v->valuestring) : NULL;
}

static const char *object_json(const cJSON *root, const char *name, dh_arena *a) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!cJSON_IsObject(v)) return NULL;
    char *s = cJSON_PrintUnformatted(v);
    const char *copy = s ? dh_arena_strdup(a, s) : NULL;
    cJSON_free(s);
    return copy;
}

/* "label: This field is required." from Docker's {"fields": {"label": ["..."]}}. */
static const char *fields_sentence(const cJSON *root, dh_arena *a) {
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(root, "fields");
    if (!cJSON_IsObject(fields)) return NULL;
    dh_buf b = {0};
    for (const cJSON *f = fields->child; f && b.len < DH_MESSAGE_MAX; f = f->next) {
        const cJSON *first = cJSON_IsArray(f) ? f->child : f;
        if (!cJSON_IsString(first)) continue;
        if (b.len) dh_buf_puts(&b, "; ");
        dh_buf_puts(&b, f->string);
        dh_buf_puts(&b, ": ");
        dh_buf_puts(&b, first->valuestring);
    }
    const char *s = b.len && !b.oom ? clip(a, b.data) : NULL;
    dh_buf_free(&b);
    return s;
}

void dh_error_from_response(int status, const char *body, size_t len, dh_arena *a, dh_error *err) {
    memset(err, 0, sizeof *err);
    err->code = dh_code_for_status(status);
    err->status = status;
    err->retry_after = -1;
    cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
    if (cJSON_IsObject(root)) {
        err->message = string_field(root, "message", a);
        err->detail = string_field(root, "detail", a);
        err->text = string_field(root, "text", a);
        err->errinfo_json = object_json(root, "errinfo", a);
        err->fields_json = object_json(root, "fields", a);
        if (!err->message) err->message = err->detail;
        if (!err->message) err->message = fields_sentence(root, a);
        if (!err->message) err->message = err->text;
    }
    cJSON_Delete(root);
    if (!err->message) {
        char m[96];
        snprintf(m, sizeof m, "Docker Hub answered HTTP %d%s", status,
                 len ? " with a body that is not a JSON error" : " with no body");
        err->message = dh_arena_strdup(a, m);
    }
}

const char *dh_redact(dh_arena *a, const char *s, const char *const *secrets, size_t n) {
    if (!s) return NULL;
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) found = secrets[i] && *secrets[i] && strstr(s, secrets[i]);
    if (!found) return s;
    dh_buf b = {0};
    for (const char *p = s; *p;) {
        size_t hit = 0;
        for (size_t i = 0; i < n && !hit; i++)
            if (secrets[i] && *secrets[i] && strncmp(p, secrets[i], strlen(secrets[i])) == 0)
                hit = strlen(secrets[i]);
        if (hit) {
            dh_buf_puts(&b, "[redacted]");
            p += hit;
        } else {
            dh_buf_append(&b, p, 1);
            p++;
        }
    }
    const char *out = b.oom ? "[redacted]" : dh_arena_strdup(a, b.data);
    dh_buf_free(&b);
    return out ? out : "[redacted]";
}
