/* Non-2xx answers to dh_error: the code from the status, the words from a body of any shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

#define DH_MESSAGE_MAX 1000

typedef struct scrubber {
    uint64_t *slots; /* a hash set of every window, as its 8 bytes read as one integer; 0: empty
                      * (a window of a C string holds no zero byte, so no key is 0) */
    size_t mask;
    const char **whole; /* the secrets shorter than a window */
    size_t n_whole;
} scrubber;

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

/* ---- finding secrets: any run of DH_SECRET_RUN bytes of one counts as the secret ---- */

/* The first bytes of Docker's token formats, the same in every token: not secret on their own. */
static size_t public_prefix(const char *s, size_t len) {
    static const char *const prefixes[] = {"dckr_pat_", "dckr_oat_"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t m = strlen(prefixes[i]);
        if (len > m && memcmp(s, prefixes[i], m) == 0) return m;
    }
    return 0;
}

static uint64_t window_key(const char *p) {
    uint64_t k = 0;
    for (size_t i = 0; i < DH_SECRET_RUN; i++) k = k << 8 | (unsigned char)p[i];
    return k;
}

/* A slot to start probing at. No sorting and no key taken by address: copies of windows of
 * secrets would be left on the stack, where nothing zeroes them. */
static size_t slot_of(uint64_t k, size_t mask) { return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 40) & mask; }

static void add_key(scrubber *s, uint64_t k) {
    size_t i = slot_of(k, s->mask);
    while (s->slots[i] && s->slots[i] != k) i = (i + 1) & s->mask;
    s->slots[i] = k;
}

static bool has_key(const scrubber *s, uint64_t k) {
    for (size_t i = slot_of(k, s->mask); s->slots[i]; i = (i + 1) & s->mask)
        if (s->slots[i] == k) return true;
    return false;
}

/* NULL, or the same text as an earlier secret (the JWT is both the client's and the one sent). */
static bool repeated(const char *const *secrets, size_t i) {
    if (!secrets[i]) return true;
    for (size_t k = 0; k < i; k++)
        if (secrets[k] && strcmp(secrets[k], secrets[i]) == 0) return true;
    return false;
}

/* Every DH_SECRET_RUN-byte window of every secret (those inside a public prefix left out), and
 * the secrets shorter than that, whole. NULL on oom (the caller then redacts everything). */
static scrubber *scrubber_new(dh_arena *a, const char *const *secrets, size_t n) {
    scrubber *s = dh_arena_alloc(a, sizeof *s);
    if (!s) return NULL;
    memset(s, 0, sizeof *s);
    size_t windows = 0, slots = 16;
    for (size_t i = 0; i < n; i++) windows += repeated(secrets, i) ? 0 : strlen(secrets[i]);
    while (slots < 2 * windows) slots *= 2; /* at most half full: probes stay short */
    s->mask = slots - 1;
    s->slots = dh_arena_alloc(a, slots * sizeof *s->slots);
    s->whole = dh_arena_alloc(a, (n ? n : 1) * sizeof *s->whole);
    if (!s->slots || !s->whole) return NULL;
    memset(s->slots, 0, slots * sizeof *s->slots);
    for (size_t i = 0; i < n; i++) {
        const char *sec = secrets[i];
        size_t len = repeated(secrets, i) ? 0 : strlen(sec);
        if (len && len < DH_SECRET_RUN) s->whole[s->n_whole++] = sec;
        if (len < DH_SECRET_RUN) continue;
        size_t pub = public_prefix(sec, len);
        for (size_t k = 0; k + DH_SECRET_RUN <= len; k++)
            if (k + DH_SECRET_RUN > pub) add_key(s, window_key(sec + k));
    }
    return s;
}

/* How many bytes from p (of avail) are a secret's: 0, DH_SECRET_RUN, or a short secret's length. */
static size_t secret_at(const scrubber *s, const char *p, size_t avail) {
    if (avail >= DH_SECRET_RUN && has_key(s, window_key(p))) return DH_SECRET_RUN;
    for (size_t i = 0; i < s->n_whole; i++) {
        size_t m = strlen(s->whole[i]);
        if (m <= avail && memcmp(p, s->whole[i], m) == 0) return m;
    }
    return 0;
}

/* Does any run of a secret start in these len bytes? */
static bool scrub_finds(const scrubber *s, const char *text, size_t len) {
    if (!s) return len > 0;
    for (size_t k = 0; k < len; k++)
        if (secret_at(s, text + k, len - k)) return true;
    return false;
}

/* s with every stretch covered by runs of secrets (overlapping runs joined) as "[redacted]";
 * s itself where there is none. */
static const char *scrub(dh_arena *a, const scrubber *sc, const char *s) {
    if (!s) return NULL;
    size_t len = strlen(s);
    if (!sc) return len ? "[redacted]" : s;
    if (!scrub_finds(sc, s, len)) return s;
    dh_buf b = {0};
    size_t covered = 0; /* bytes before this are inside a run */
    bool in_run = false;
    for (size_t k = 0; k < len; k++) {
        size_t m = secret_at(sc, s + k, len - k);
        if (m && k + m > covered) covered = k + m;
        if (k < covered) {
            if (!in_run) dh_buf_puts(&b, "[redacted]");
            in_run = true;
        } else {
            in_run = false;
            dh_buf_append(&b, s + k, 1);
        }
    }
    const char *out = b.oom ? NULL : dh_arena_strdup(a, b.data);
    dh_buf_free(&b);
    return out ? out : "[redacted]";
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
static const char *redact_clip(dh_arena *a, const scrubber *sc, const char *s) {
    return scrub(a, sc, clip(a, scrub(a, sc, s)));
}

typedef struct words {
    dh_arena *a;
    const scrubber *sc;
} words;

static const char *string_field(const cJSON *root, const char *name, const words *w) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!cJSON_IsString(v) || !*v->valuestring) return NULL;
    return redact_clip(w->a, w->sc, v->valuestring);
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
    const char *s = b.len && !b.oom ? redact_clip(w->a, w->sc, b.data) : NULL;
    dh_buf_free(&b);
    return s;
}

/* Does any key or string anywhere in the tree hold a run of a secret? */
static bool holds_secret(const cJSON *item, const words *w) {
    for (; item; item = item->next) {
        const char *texts[] = {item->string, cJSON_IsString(item) ? item->valuestring : NULL};
        for (size_t t = 0; t < 2; t++)
            if (texts[t] && scrub_finds(w->sc, texts[t], strlen(texts[t]))) return true;
        if (holds_secret(item->child, w)) return true;
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
static void take_objects(const cJSON *root, const char *body, size_t len, dh_arena *a, dh_error *err) {
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
        if (cJSON_IsString(item) && item->valuestring) dh_wipe(item->valuestring, strlen(item->valuestring));
        wipe_tree(item->child);
    }
}

bool dh_error_from_response(int status, const char *body, size_t len, const char *const *secrets,
                            size_t n, dh_arena *a, dh_error *err) {
    memset(err, 0, sizeof *err);
    err->code = dh_code_for_status(status);
    err->status = status;
    err->retry_after = -1;
    if (!body) len = 0;
    const words w = {a, scrubber_new(a, secrets, n)};
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
    bool any_secret = false;
    for (size_t i = 0; i < n; i++) any_secret = any_secret || (secrets[i] && *secrets[i]);
    bool clean = !any_secret || (!scrub_finds(w.sc, body, len) && !holds_secret(root, &w) &&
                                 !(root && hides_nul(body, len)) && !unread_escape(body, len, root, end));
    if (clean && root && end && cJSON_IsObject(root) && only_space(end, body + len)) take_objects(root, body, len, a, err);
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

/* The windows of a call's secrets, as they are and lowercased (header names were lowercased
 * when they were unpacked, in headers.c), built once for every string of one reply: a reply has
 * many headers, and building the set is what costs. Arena memory, wiped with the arena. */
struct dh_redactor {
    const scrubber *plain, *lower;
    size_t n;        /* for a kept one (dh_redactor_keep): how many secrets, */
    uint64_t *print; /* and a fingerprint of each (0: NULL); NULL otherwise */
};

dh_redactor *dh_redactor_new(dh_arena *a, const char *const *secrets, size_t n) {
    dh_redactor *r = dh_arena_alloc(a, sizeof *r);
    const char **lowered = dh_arena_alloc(a, (n ? n : 1) * sizeof *lowered);
    if (!r || !lowered) return NULL;
    for (size_t i = 0; i < n; i++) {
        char *low = secrets[i] ? dh_arena_strdup(a, secrets[i]) : NULL;
        if (secrets[i] && !low) return NULL;
        for (char *p = low; p && *p; p++) *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
        lowered[i] = low;
    }
    r->plain = scrubber_new(a, secrets, n);
    r->lower = scrubber_new(a, lowered, n);
    r->n = 0;
    r->print = NULL;
    /* The windows are what is kept: a lowercased copy a window long or more is zeroed now (a
     * shorter one is compared whole, by the scrubber, and stays). */
    for (size_t i = 0; i < n; i++)
        if (lowered[i] && strlen(lowered[i]) >= DH_SECRET_RUN) dh_wipe((char *)lowered[i], strlen(lowered[i]));
    return r->plain && r->lower ? r : NULL;
}

/* FNV-1a of a secret, never 0 (0 stands for NULL): tells a kept redactor's secrets from others. */
static uint64_t fingerprint(const char *s) {
    if (!s) return 0;
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h | 1;
}

dh_redactor *dh_redactor_keep(dh_arena *a, const char *const *secrets, size_t n) {
    const char **copies = dh_arena_alloc(a, (n ? n : 1) * sizeof *copies);
    uint64_t *print = dh_arena_alloc(a, (n ? n : 1) * sizeof *print);
    if (!copies || !print) return NULL;
    for (size_t i = 0; i < n; i++) {
        copies[i] = secrets[i] ? dh_arena_strdup(a, secrets[i]) : NULL;
        if (secrets[i] && !copies[i]) return NULL;
        print[i] = fingerprint(secrets[i]);
    }
    dh_redactor *r = dh_redactor_new(a, copies, n);
    /* As in dh_redactor_new: of a secret a window long or more only the windows are kept. */
    for (size_t i = 0; i < n; i++)
        if (copies[i] && strlen(copies[i]) >= DH_SECRET_RUN) dh_wipe((char *)copies[i], strlen(copies[i]));
    if (!r) return NULL;
    r->n = n;
    r->print = print;
    return r;
}

bool dh_redactor_fits(const dh_redactor *r, const char *const *secrets, size_t n) {
    if (!r || !r->print || r->n != n) return false;
    for (size_t i = 0; i < n; i++)
        if (r->print[i] != fingerprint(secrets[i])) return false;
    return true;
}

const char *dh_redact_with(dh_arena *a, const dh_redactor *r, const char *s) {
    return scrub(a, r ? r->plain : NULL, s);
}

const char *dh_redact_name_with(dh_arena *a, const dh_redactor *r, const char *name) {
    return scrub(a, r ? r->lower : NULL, name);
}

const char *dh_redact(dh_arena *a, const char *s, const char *const *secrets, size_t n) {
    return s ? scrub(a, scrubber_new(a, secrets, n), s) : NULL;
}

const char *dh_redact_name(dh_arena *a, const char *name, const char *const *secrets, size_t n) {
    return name ? dh_redact_name_with(a, dh_redactor_new(a, secrets, n), name) : NULL;
}
