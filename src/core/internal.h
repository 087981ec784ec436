/* Declarations shared by the core's files; not part of the public API. */
#ifndef DH_INTERNAL_H
#define DH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dockerhub_oat.h"

struct cJSON;

#define DH_NAME_MAX 255
#define DH_DEFAULT_BASE_URL "https://hub.docker.com"

/* ---- alloc.c: the allocator of dh_set_allocators (libc's unless one was set). ---- */
/* The words of every out-of-memory failure, written once. A function that answers with a
 * sentence (a decoder's `why`) answers with this one object when memory ran out, so a caller
 * tells that by dh_is_oom, which compares addresses: the code is never read back from words. */
extern const char dh_oom_message[];
#define DH_OOM_MESSAGE dh_oom_message
static inline bool dh_is_oom(const char *why) { return why == dh_oom_message; }
void *dh_malloc(size_t n);
void *dh_calloc(size_t n, size_t size);
void *dh_realloc(void *p, size_t n);
void dh_free(void *p);
/* Points cJSON's hooks at the arena of the parse running, else at dh_malloc and dh_free
 * (arena.c); dh_set_allocators and the first arena parse call it. */
void dh_install_json_hooks(void);

/* ---- buf.c: a growable byte string, always NUL-terminated. Owner: whoever holds the buf;
 * free with dh_buf_free. A failed append sets `oom` and leaves the content as it was. ---- */
typedef struct dh_buf {
    char *data;
    size_t len, cap;
    bool oom;
    bool wipe; /* it holds a secret: zero every block before it is given back */
} dh_buf;
void dh_buf_append(dh_buf *b, const char *s, size_t n);
void dh_buf_puts(dh_buf *b, const char *s);
void dh_buf_free(dh_buf *b);
/* A decimal integer, and a JSON string literal (quotes and escapes added; UTF-8 passes). */
void dh_buf_int(dh_buf *b, int64_t v);
void dh_buf_json_string(dh_buf *b, const char *s);
/* Hands the string to the caller (free with free()); the buf is empty after. NULL on oom. */
char *dh_buf_take(dh_buf *b);
/* Overwrites n bytes with zeros, in a way the compiler keeps even when they are freed next. */
void dh_wipe(void *p, size_t n);
/* Overwrites with zeros, then frees: for anything that held a secret. */
void dh_wipe_free(char *s);
/* strdup, which C11 lacks; NULL on oom. */
char *dh_strdup(const char *s);

/* ---- arena.c: many small allocations freed together. ---- */
typedef struct dh_arena dh_arena;
/* NULL on oom. Free with dh_arena_free (frees every block it gave). */
dh_arena *dh_arena_new(void);
void *dh_arena_alloc(dh_arena *a, size_t size);
char *dh_arena_strdup(dh_arena *a, const char *s);
/* Did the last dh_arena_parse_json on this thread run out of memory? (cJSON says only that a
 * parse failed, not why.) */
bool dh_arena_parse_ran_out(void);
void dh_arena_free(dh_arena *a);
/* Parses len bytes of JSON into the arena (cJSON_ParseWithLengthOpts, *end after the value):
 * the tree goes with the arena and must never see cJSON_Delete. The core owns cJSON's hooks
 * (installed on the first call; other trees still use malloc and free). NULL when invalid. */
struct cJSON *dh_arena_parse_json(dh_arena *a, const char *s, size_t len, const char **end);

/* ---- validate.c: each returns NULL when valid, else a static sentence saying what is wrong. */
const char *dh_check_name(const char *name);
const char *dh_check_rfc3339(const char *s);
/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): what
 * dh_parse_rfc3339 and the HTTP dates of headers.c count with. */
int64_t dh_days_from_civil(int64_t y, int m, int d);
const char *dh_check_resources(const dh_resource *res, size_t n);
const char *dh_check_create(const dh_create_request *req);
const char *dh_check_update(const dh_update_request *req);
const char *dh_check_list_options(const dh_list_options *o);
const char *dh_check_header_value(const char *v);
/* Copies base_url without a trailing slash into *out (free with free()). */
const char *dh_check_base_url(const char *base_url, char **out);

/* ---- url.c ---- */
/* Appends s with every byte outside [A-Za-z0-9._~-] percent-encoded. */
void dh_url_encode(dh_buf *b, const char *s);
/* Builds base + "/v2/orgs/{org}/access-tokens[/{id}][?page=..&page_size=..]".
 * id and options may be NULL. Returns a malloc'd string (caller frees) or NULL on oom. */
char *dh_url_tokens(const char *base, const char *org, const char *id, const dh_list_options *o);

/* ---- encode.c: request bodies as JSON text; malloc'd (caller frees), NULL on oom. ---- */
char *dh_encode_create(const dh_create_request *req);
char *dh_encode_update(const dh_update_request *req);
char *dh_encode_auth(const char *identifier, const char *secret); /* caller wipes */
/* Appends a resource list as JSON (the wire names) to b. */
void dh_encode_resources(dh_buf *b, const dh_resource *res, size_t n);

/* ---- decode.c: JSON text to typed structs. The cJSON tree (*root), the structs' strings and
 * arrays all live in the arena: freeing it frees them (no cJSON_Delete). On failure returns a
 * static sentence. ---- */
const char *dh_decode_token(const char *body, size_t len, dh_arena *a, struct cJSON **root,
                            dh_token *out);
const char *dh_decode_page(const char *body, size_t len, dh_arena *a, struct cJSON **root,
                           dh_token_page *out);
/* A resources array of a parsed tree (a response's or a request's); arrays from the arena,
 * strings borrowed from the tree. only_known: a key besides type, path and scopes is a fault. */
typedef enum {
    DH_RES_OK,
    DH_RES_NOT_ARRAY,
    DH_RES_NOT_OBJECT,
    DH_RES_UNKNOWN_KEY,
    DH_RES_DUPLICATE,
    DH_RES_TYPE,
    DH_RES_PATH,
    DH_RES_SCOPES,
    DH_RES_NO_MEMORY
} dh_resource_fault;
dh_resource_fault dh_decode_resources(const struct cJSON *arr, dh_arena *a, bool only_known,
                                      const dh_resource **out, size_t *count);
/* One token object of a parsed tree (what the two above use for each token). */
const char *dh_decode_token_object(const struct cJSON *o, dh_arena *a, dh_token *out);
/* The JWT of POST /v2/auth/token's answer; a malloc'd copy (caller wipes) or NULL + *why. */
char *dh_decode_auth(const char *body, size_t len, const char **why);

/* ---- strtod.c: cJSON's strtod (decimal only; exact for integers up to 2^53; see the file). */
double dh_strtod(const char *s, char **end);

/* ---- jwt.c: the `exp` claim of a JWT (unix seconds), -1 when unreadable. ---- */
int64_t dh_jwt_exp(const char *jwt);

/* ---- retry.c ---- */
bool dh_is_retryable(dh_op op, dh_http_failure failure, int status);
uint32_t dh_backoff_ms(int attempt, uint32_t base_ms, uint32_t cap_ms, double unit_random);

/* ---- pager.c ---- */
#define DH_PAGER_SEEN_MAX 1024
typedef struct dh_pager {
    int page_size;
    int page;                      /* the page to fetch now */
    int64_t pages_done, max_pages; /* max_pages -1: no total was given */
    int seen[DH_PAGER_SEEN_MAX];
    size_t seen_count;
} dh_pager;
/* The `page` query parameter of a next URL: 1..100000000, else 0. */
int dh_next_page_number(const char *next);
void dh_pager_init(dh_pager *pg, int page_size);
/* After `page` (the answer for pg->page): the next page number to fetch, or 0 to stop. */
int dh_pager_advance(dh_pager *pg, const dh_token_page *page);

/* ---- headers.c ---- */
/* Unpacks a raw "name: value\r\n" block: names lower-cased, values trimmed, lines without a
 * colon or with an empty name skipped. Strings and the array come from the arena. */
size_t dh_headers_unpack(const char *raw, size_t len, dh_arena *a, dh_header **out);
const char *dh_header_get(const dh_header *h, size_t n, const char *name);
/* Seconds to wait from Retry-After or X-Retry-After (delta seconds, a unix time, or an HTTP
 * date), and on a 429 with neither from X-RateLimit-Reset; a moment is measured from the
 * server's Date where it sent one, else from now_unix. -1 when absent or unreadable. Capped at
 * one day. */
int64_t dh_retry_after(const dh_header *h, size_t n, int status, int64_t now_unix);

/* ---- redact.c: the one redactor (the rule and how it is kept fast: see the file). ---- */
/* A run of this many bytes of a secret counts as the secret (a secret shorter than this counts
 * whole). Windows that lie inside a public prefix (dckr_pat_, dckr_oat_) alone do not count. */
#define DH_SECRET_RUN 8
typedef struct dh_redactor dh_redactor;
/* An empty redactor whose prints are keyed by `key`; NULL on oom. remember > 0: it keeps at most
 * that many secrets, the oldest forgotten first (a client's made tokens); 0: no bound. Free with
 * dh_redactor_free (every block wiped). */
dh_redactor *dh_redactor_new(uint64_t key, size_t remember);
void dh_redactor_free(dh_redactor *r);
/* Adds a secret (NULL or "" adds nothing). On oom it returns false and the redactor fails closed:
 * from then on every text counts as a secret. */
bool dh_redactor_add(dh_redactor *r, const char *secret);
/* `also` is looked up too, for as long as r lives (r does not own it). */
void dh_redactor_set_also(dh_redactor *r, const dh_redactor *also);
/* How many secrets a remembering redactor holds. */
size_t dh_redactor_count(const dh_redactor *r);
/* No secret at all in r and its `also` (NULL, an oom, is not empty). */
bool dh_redactor_empty(const dh_redactor *r);
/* Does a run of a secret lie in these len bytes? A NULL redactor (oom) finds one in any text. */
bool dh_redactor_finds(const dh_redactor *r, const char *text, size_t len);
/* s with every stretch made of runs of secrets (runs that overlap or touch joined, widened to
 * whole UTF-8 characters) replaced by one "[redacted]": an arena copy, or s itself where it holds
 * none. A NULL redactor (oom) gives "[redacted]" for any non-empty s. */
const char *dh_redactor_apply(dh_arena *a, const dh_redactor *r, const char *s);
const char *dh_redactor_apply_n(dh_arena *a, const dh_redactor *r, const char *s, size_t len);
/* A redactor of these secrets, for one use; NULL on oom. */
dh_redactor *dh_redactor_of(const char *const *secrets, size_t n);
/* (reply.c) A redactor for a client's own secrets (its credential secret and current JWT) and,
 * through it, the tokens it made: for text the JS builds around a server's words. NULL on oom.
 * The caller frees it (dh_redactor_free) before the client. */
dh_redactor *dh_client_redactor(dh_client *cl);
/* dh_redactor_apply with a redactor of these secrets made for this one string. */
const char *dh_redact(dh_arena *a, const char *s, const char *const *secrets, size_t n);

/* ---- error_body.c ---- */
/* Fills err from an HTTP status and a response body of any shape; strings from the arena,
 * redacted by `red`, then clipped to 1000 bytes. Returns false when the body itself holds a run
 * of a secret (in any string, however escaped): then it must not be passed on. */
bool dh_error_from_response_with(int status, const char *body, size_t len, const dh_redactor *red,
                                 dh_arena *a, dh_error *err);
/* The same with a redactor made for these secrets. */
bool dh_error_from_response(int status, const char *body, size_t len, const char *const *secrets,
                            size_t n, dh_arena *a, dh_error *err);
dh_code dh_code_for_status(int status);

/* ---- audit_json.c: the audit in the JS bindings' form (src/wasm/wasm_audit.c), JSON in and out:
 *   in:  {"now": 1764547200, "unused_days": 90, "expiring_days": 14, "limit": 10 | null,
 *         "tokens": [ token objects as the API returns them, with "resources" ]}
 *   out: {"findings": [{"token_index", "token_id", "kind", "severity", "days"?, "at"?,
 *         "never_used"?, "reason"?, "path"?, "scopes"?}], "summary": {...}}
 * Returns a malloc'd NUL-terminated string (free with free()) or NULL with *why a static
 * sentence (the input is refused, or out of memory). Not installed: C programs call
 * dh_audit_tokens. ---- */
char *dh_audit_json(const char *json, size_t len, const char **why);

/* ---- plan.c: the plan as the bindings' JSON document (bindings/tools/plan.js reads its shape);
 * malloc'd (free()), NULL on oom. Not installed: C programs read the dh_plan. ---- */
struct dh_plan;
char *dh_plan_to_json(const struct dh_plan *p);

#endif
