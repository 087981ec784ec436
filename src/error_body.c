/* Non-2xx answers to dh_error: the code from the status, the words from a body of any shape. */
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
    memcpy(p, s, n); /* NOLINT(bugprone-not-null-terminated-result): the next copy ends it */
    memcpy(p + n, "...", 4);
    return p;
}

typedef struct words {
    dh_arena *a;
    const char *const *secrets;
    size_t n;
} words;

static const char *string_field(const cJSON *root, const char *name, const words *w) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!cJSON_IsString(v) || !*v->valuestring) return NULL;
    return dh_redact(w->a, clip(w->a, v->valuestring), w->secrets, w->n);
}

/* "label: This field is required." from Docker's {"fields": {"label": ["..."]}}. */
static const char *fields_sentence(const cJSON *root, const words *w) {
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
    const char *s = b.len && !b.oom ? dh_redact(w->a, clip(w->a, b.data), w->secrets, w->n) : NULL;
    dh_buf_free(&b);
    return s;
}

/* Does any key or string anywhere in the tree hold one of the secrets? */
static bool holds_secret(const cJSON *item, const words *w) {
    for (; item; item = item->next) {
        const char *texts[] = {item->string, cJSON_IsString(item) ? item->valuestring : NULL};
        for (size_t t = 0; t < 2; t++)
            for (size_t i = 0; texts[t] && i < w->n; i++)
                if (w->secrets[i] && *w->secrets[i] && strstr(texts[t], w->secrets[i])) return true;
        if (holds_secret(item->child, w)) return true;
    }
    return false;
}

/* Do the raw bytes hold a secret? All len bytes are searched: text after a NUL byte, or after
 * the JSON value (cJSON stops there), reaches whoever is handed the body all the same. */
static bool raw_holds_secret(const char *body, size_t len, const words *w) {
    for (size_t i = 0; i < w->n; i++) {
        const char *s = w->secrets[i];
        size_t m = s ? strlen(s) : 0;
        for (size_t k = 0; m && k + m <= len; k++)
            if (body[k] == s[0] && memcmp(body + k, s, m) == 0) return true;
    }
    return false;
}

/* A NUL in a JSON string, raw or escaped: every C-string reader, holds_secret included, stops
 * there, so what follows it (escaped, a secret) cannot be checked. Such a body is not passed on. */
static bool hides_nul(const char *body, size_t len) {
    if (memchr(body, '\0', len)) return true;
    for (size_t k = 0; k + 6 <= len; k++)
        if (body[k] == '\\' && body[k + 1] == 'u' && memcmp(body + k + 2, "0000", 4) == 0) return true;
    return false;
}

bool dh_error_from_response(int status, const char *body, size_t len, const char *const *secrets,
                            size_t n, dh_arena *a, dh_error *err) {
    memset(err, 0, sizeof *err);
    err->code = dh_code_for_status(status);
    err->status = status;
    err->retry_after = -1;
    const words w = {a, secrets, n};
    if (!body) len = 0;
    cJSON *root = len ? cJSON_ParseWithLength(body, len) : NULL;
    if (cJSON_IsObject(root)) {
        err->message = string_field(root, "message", &w);
        err->detail = string_field(root, "detail", &w);
        err->text = string_field(root, "text", &w);
        if (!err->message) err->message = err->detail;
        if (!err->message) err->message = fields_sentence(root, &w);
        if (!err->message) err->message = err->text;
    }
    /* The bytes as they are, then every key and string however escaped, whatever the JSON
     * value's type (a top-level array or string is passed on too). */
    bool any_secret = false;
    for (size_t i = 0; i < n; i++) any_secret = any_secret || (secrets[i] && *secrets[i]);
    bool clean = !raw_holds_secret(body, len, &w) && !holds_secret(root, &w) &&
                 !(any_secret && root && hides_nul(body, len));
    cJSON_Delete(root);
    if (!err->message) {
        dh_buf b = {0};
        dh_buf_puts(&b, "Docker Hub answered HTTP ");
        dh_buf_int(&b, status);
        dh_buf_puts(&b, len ? " with a body that is not a JSON error" : " with no body");
        err->message = b.oom ? "Docker Hub answered with an error" : dh_arena_strdup(a, b.data);
        dh_buf_free(&b);
    }
    return clean;
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
