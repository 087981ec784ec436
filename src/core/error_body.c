/* Non-2xx answers to dh_error: the code from the status, the words from a body of any shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

#define DH_MESSAGE_MAX 1000

const char *dh_code_name(dh_code code) {
    static const char *const names[] = {
        "ok",           "invalid_argument",  "bad_request",      "unauthorized",
        "forbidden",    "not_found",         "conflict",         "rate_limited",
        "server_error", "unexpected_status", "invalid_response", "network",
        "timeout",      "aborted",           "closed",           "no_memory"};
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
    if (!s) return NULL;
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

/* Redacted whole, then clipped, so no secret straddles the cut; then looked at once more, as
 * the "..." of the cut could end a run of a secret whose start was left before it. */
static const char *redact_clip(dh_arena *a, const dh_redactor *r, const char *s) {
    return dh_redactor_apply(a, r, clip(a, dh_redactor_apply(a, r, s)));
}

typedef struct words {
    dh_arena *a;
    const dh_redactor *red;
} words;

static const char *string_field(const cJSON *root, const char *name, const words *w) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!cJSON_IsString(v) || !*v->valuestring) return NULL;
    return redact_clip(w->a, w->red, v->valuestring);
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
    const char *s = b.len && !b.oom ? redact_clip(w->a, w->red, b.data) : NULL;
    dh_buf_free(&b);
    return s;
}

/* Does any key or string anywhere in the tree hold a run of a secret? */
static bool holds_secret(const cJSON *item, const words *w) {
    for (; item; item = item->next) {
        const char *texts[] = {item->string, cJSON_IsString(item) ? item->valuestring : NULL};
        for (size_t t = 0; t < 2; t++)
            if (texts[t] && dh_redactor_finds(w->red, texts[t], strlen(texts[t]))) return true;
        if (holds_secret(item->child, w)) return true;
    }
    return false;
}

/* A NUL in a JSON string, raw or escaped: every C-string reader, holds_secret included, stops
 * there, so what follows it (escaped, a secret) cannot be checked. Such a body is not passed on. */
static bool hides_nul(const char *body, size_t len) {
    if (memchr(body, '\0', len)) return true;
    for (size_t k = 0; k + 6 <= len; k++)
        if (body[k] == '\\' && body[k + 1] == 'u' && memcmp(body + k + 2, "0000", 4) == 0)
            return true;
    return false;
}

/* An escape in bytes cJSON did not read (a body cut short, text after the value): nothing decoded
 * it, so a secret spelt with one every few characters would pass the raw check. Withheld. */
static bool unread_escape(const char *body, size_t len, const cJSON *root, const char *end) {
    const char *from = root && end ? end : body;
    return len && from < body + len && memchr(from, '\\', (size_t)(body + len - from)) != NULL;
}

static const char *skip_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

static const char *skip_string(const char *p, const char *end) {
    for (p++; p < end && *p != '"'; p++)
        if (*p == '\\') p++;
    return p < end ? p + 1 : end;
}

/* To the ',' or closing bracket after the value at p, in text cJSON has read whole. */
static const char *skip_value(const char *p, const char *end) {
    int depth = 0;
    while (p < end) {
        if (*p == '"') {
            p = skip_string(p, end);
            continue;
        }
        if (depth == 0 && (*p == ',' || *p == '}' || *p == ']')) break;
        if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') depth--;
        p++;
    }
    return p;
}

/* The body's `errinfo` and `fields` objects as the text the server sent (the top level's members
 * walked beside cJSON's children, which are in the same order), so JS reads them exactly as
 * JSON.parse(body) would, numbers included; of a repeated key the last, as JSON.parse keeps. */
static void take_objects(const cJSON *root, const char *body, size_t len, dh_arena *a,
                         dh_error *err) {
    const char *end = body + len, *p = skip_space(body, end) + 1; /* past the '{' */
    for (const cJSON *v = root->child; v && p < end; v = v->next) {
        p = skip_space(skip_string(skip_space(p, end), end), end) + 1; /* the key and the ':' */
        const char *start = skip_space(p, end);
        p = skip_value(start, end);
        int k = strcmp(v->string, "errinfo") == 0 ? 0 : strcmp(v->string, "fields") == 0 ? 1 : -1;
        const char **slot = k == 0 ? &err->errinfo : k == 1 ? &err->fields : NULL;
        if (slot && !cJSON_IsObject(v)) *slot = NULL;
        if (slot && cJSON_IsObject(v)) {
            char *copy = dh_arena_alloc(a, (size_t)(p - start) + 1);
            if (copy) {
                /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): ended on the next line */
                memcpy(copy, start, (size_t)(p - start));
                copy[p - start] = '\0';
            }
            *slot = copy;
        }
        if (p < end && *p == ',') p++;
    }
}

/* Nothing but white space from p to end: the body was one JSON value, as JSON.parse wants. */
static bool only_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p == end;
}

static void wipe_tree(cJSON *item) {
    for (; item; item = item->next) {
        if (item->string) dh_wipe(item->string, strlen(item->string));
        if (cJSON_IsString(item) && item->valuestring)
            dh_wipe(item->valuestring, strlen(item->valuestring));
        wipe_tree(item->child);
    }
}

bool dh_error_from_response_with(int status, const char *body, size_t len, const dh_redactor *red,
                                 dh_arena *a, dh_error *err) {
    memset(err, 0, sizeof *err);
    err->code = dh_code_for_status(status);
    err->status = status;
    err->retry_after = -1;
    if (!body) len = 0;
    const words w = {a, red};
    const char *end = NULL;
    cJSON *root = len ? cJSON_ParseWithLengthOpts(body, len, &end, false) : NULL;
    if (cJSON_IsObject(root)) {
        err->message = string_field(root, "message", &w);
        err->detail = string_field(root, "detail", &w);
        err->text = string_field(root, "text", &w);
        if (!err->message) err->message = err->detail;
        if (!err->message) err->message = fields_sentence(root, &w);
        if (!err->message) err->message = err->text;
    }
    /* The bytes as they are (all len of them: text after a NUL byte, or after the JSON value,
     * where cJSON stops, reaches whoever is handed the body all the same), then every key and
     * string however escaped, whatever the JSON value's type. */
    bool clean = dh_redactor_empty(red) ||
                 (!dh_redactor_finds(red, body, len) && !holds_secret(root, &w) &&
                  !(root && hides_nul(body, len)) && !unread_escape(body, len, root, end));
    if (clean && root && end && cJSON_IsObject(root) && only_space(end, body + len))
        take_objects(root, body, len, a, err);
    wipe_tree(root); /* it may hold what the server echoed of a secret */
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

bool dh_error_from_response(int status, const char *body, size_t len, const char *const *secrets,
                            size_t n, dh_arena *a, dh_error *err) {
    dh_redactor *red = dh_redactor_of(secrets, n);
    bool clean = dh_error_from_response_with(status, body, len, red, a, err);
    dh_redactor_free(red);
    return clean;
}
