/*
 * dockerhub-oat: a client for Docker Hub organization access tokens (OATs).
 *
 * One client, five asynchronous operations (list, create, get, update, delete). Every operation
 * validates its arguments before any request, sends one HTTP request through the client's
 * transport, and calls the completion callback exactly once with a dh_reply: the status code, the
 * response headers, and either a typed result or a dh_error.
 *
 * Ownership, in one rule: what the library hands to a callback is borrowed and lives until the
 * callback returns; copy what you keep. What a caller passes in is only read during the call that
 * takes it (the library copies what it needs). Each allocating function names its free beside it.
 *
 * Threads: none. A client and its callbacks belong to one thread (the browser's event loop, or
 * the native test's loop). A callback may start calls and cancel calls, but may not free the
 * client it came from.
 */
#ifndef DOCKERHUB_OAT_H
#define DOCKERHUB_OAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks what the native library exports. It is built with -fvisibility=hidden (and its shared
 * library with a version script): every other name it has stays inside it. Not in the WASM build,
 * where a default-visibility function would become an export of the module beside the ones
 * EXPORTED_FUNCTIONS names. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define DH_PUBLIC __attribute__((visibility("default")))
#else
#define DH_PUBLIC
#endif

/* The version, the same as package.json's (tests/package/package.test.js checks that they agree).
 */
#define DH_VERSION_MAJOR 0
#define DH_VERSION_MINOR 1
#define DH_VERSION_PATCH 0
#define DH_VERSION "0.1.0"

/* The version of the library linked at run time ("0.1.0"), which may differ from the DH_VERSION
 * a program was compiled with when a shared library was replaced under it. Static string. */
DH_PUBLIC const char *dh_version(void);

/* Allocator hooks, in the style of hiredisSetAllocators and cJSON_InitHooks: every allocation
 * the core makes (cJSON's included: they pass through to its hooks) goes to these. Set them
 * before any other call, and keep them while anything the library allocated lives. Each must
 * act as its libc namesake. dh_set_allocators returns the ones it replaced; NULL, or a set with
 * a function missing, restores libc's. What this header says to free() is then given back with
 * free_fn. Not thread-safe: set them once, at start. */
typedef struct dh_allocators {
    void *(*malloc_fn)(size_t size);
    void *(*calloc_fn)(size_t count, size_t size);
    void *(*realloc_fn)(void *ptr, size_t size);
    void (*free_fn)(void *ptr);
} dh_allocators;
DH_PUBLIC dh_allocators dh_set_allocators(const dh_allocators *allocators);
DH_PUBLIC void dh_reset_allocators(void);

/* Error codes: the same set, with the same names, as DockerHubError.code in JS. */
typedef enum dh_code {
    DH_OK = 0,
    DH_ERR_INVALID_ARGUMENT,  /* refused before any request */
    DH_ERR_BAD_REQUEST,       /* 400 */
    DH_ERR_UNAUTHORIZED,      /* 401 */
    DH_ERR_FORBIDDEN,         /* 403 */
    DH_ERR_NOT_FOUND,         /* 404 */
    DH_ERR_CONFLICT,          /* 409 */
    DH_ERR_RATE_LIMITED,      /* 429 */
    DH_ERR_SERVER_ERROR,      /* 5xx */
    DH_ERR_UNEXPECTED_STATUS, /* any other status */
    DH_ERR_INVALID_RESPONSE,  /* a body that is not what the API promises */
    DH_ERR_NETWORK,           /* no response: connection refused, reset, DNS... */
    DH_ERR_TIMEOUT,
    DH_ERR_ABORTED,
    DH_ERR_CLOSED,   /* the client was closed before the call settled */
    DH_ERR_NO_MEMORY /* C only; JS reports it as invalid_response */
} dh_code;

/* "invalid_argument", "bad_request", ...: the JS code. Static string. */
DH_PUBLIC const char *dh_code_name(dh_code code);

/* An RFC 3339 date-time (fraction and offset allowed; NULL refused) to unix seconds, the
 * fraction dropped: the one reader of the dates the API sends and a manifest gives. Returns 0
 * and sets *out, or -1 where the text is not such a date-time. */
DH_PUBLIC int dh_parse_rfc3339(const char *s, int64_t *out);

typedef enum dh_op {
    DH_OP_LIST,
    DH_OP_CREATE,
    DH_OP_GET,
    DH_OP_UPDATE,
    DH_OP_DELETE,
    DH_OP_AUTH
} dh_op;

/* A response header. `name` is lower-case; `value` has no surrounding white space. */
typedef struct dh_header {
    const char *name;
    const char *value;
} dh_header;

/* An error. Strings are NULL where absent. Secrets the client knows (its credential secret, its
 * JWT) are replaced by "[redacted]" in message, detail and text; errinfo and fields are given
 * only where the body holds none of them. */
typedef struct dh_error {
    dh_code code;
    int status;          /* HTTP status; 0 where there was no response */
    const char *message; /* human sentence; never NULL in a reply */
    const char *detail;
    const char *text;
    const char *errinfo; /* Docker's `errinfo` object as compact JSON text */
    const char *fields;  /* Docker's `fields` object (per-field complaints) as JSON text */
    int64_t retry_after; /* seconds to wait, from Retry-After or X-Retry-After (seconds, a unix
                          * time or an HTTP date) or a 429's X-RateLimit-Reset; -1 if absent */
    int maybe_created;   /* a create that failed in flight: the token may exist all the same */
} dh_error;

/* A resource a token grants: TYPE_REPO with a repository path, a glob or the public-repositories
 * path (star, slash, star, slash, "public"), or
 * TYPE_ORG with the organization's name. */
typedef struct dh_resource {
    const char *type;
    const char *path;
    const char *const *scopes;
    size_t scope_count;
} dh_resource;

/* An organization access token as the API returns it. Strings are NULL where the server sent
 * null or nothing. Fields the API adds later are in the reply's body, as received. */
typedef struct dh_token {
    const char *id;
    const char *label;
    const char *description;
    const char *created_by; /* absent from create's response */
    int is_active;          /* 1, 0, or -1 where absent */
    const char *created_at;
    const char *expires_at; /* NULL: never expires */
    const char *last_used_at;
    const char *token;            /* the secret: create's response only, shown once */
    const dh_resource *resources; /* absent (NULL, 0) in list items */
    size_t resource_count;
} dh_token;

/* One page of a list. `next`/`previous` are absolute URLs or NULL. */
typedef struct dh_token_page {
    int64_t total; /* -1 where the page gives none */
    const char *next;
    const char *previous;
    const dh_token *results;
    size_t count;
} dh_token_page;

/* What a completion callback receives. Exactly one of error, token, page is set, except
 * delete's success, where all three are NULL. Everything here is borrowed (see top). */
typedef struct dh_reply {
    dh_op op;
    int status;
    const dh_header *headers;
    size_t header_count;
    /* The response body as received (not NUL-terminated; UTF-8 checked on success). NULL when
     * there was none, and for an error body that echoed one of the client's secrets. */
    const char *body;
    size_t body_len;
    const dh_error *error;
    const dh_token *token;     /* get, create, update */
    const dh_token_page *page; /* list */
    int more;                  /* dh_list_all_tokens: another page follows this one */
    /* A delete answered 404 after an earlier attempt's answer was lost (a network failure, a
     * timeout, or a 502/503/504): that attempt may have deleted it. A success: error is NULL,
     * status is 404, body is NULL. */
    int already_deleted;
} dh_reply;

typedef void (*dh_callback)(const dh_reply *reply, void *user);

/* ---- requests ---- */

typedef struct dh_list_options {
    int page;      /* >= 1; 0 means 1 */
    int page_size; /* 1..100; 0 means 10 */
} dh_list_options;

typedef struct dh_create_request {
    const char *label;       /* required, non-empty */
    const char *description; /* optional */
    const dh_resource *resources;
    size_t resource_count;
    const char *expires_at; /* optional RFC 3339 date-time; NULL: never */
} dh_create_request;

/* Only the fields that are set are sent: a NULL string, has_resources == 0 or is_active == -1
 * leave that field out. The API cannot change expires_at. */
typedef struct dh_update_request {
    const char *label;
    const char *description;
    int has_resources;
    const dh_resource *resources;
    size_t resource_count;
    int is_active; /* 1, 0, or -1: unchanged */
} dh_update_request;

/* ---- transport seam ---- */

typedef struct dh_http_request {
    const char *method;         /* "GET", "POST", "PATCH", "DELETE" */
    const char *url;            /* absolute */
    const char *const *headers; /* name, value, name, value, ..., NULL */
    const char *body;           /* NULL for none; lives until the response callback */
    size_t body_len;
    size_t max_response_bytes; /* a longer body is refused: DH_HTTP_TOO_LARGE */
} dh_http_request;

/* What a transport says went wrong; the core words DH_ERR_NETWORK's message by it and retries
 * only where another try can help. */
typedef enum dh_http_failure {
    DH_HTTP_OK = 0,    /* a response arrived (any status) */
    DH_HTTP_NETWORK,   /* lost somewhere: the server may have acted */
    DH_HTTP_REFUSED,   /* refused before anything was sent: the server surely did not act */
    DH_HTTP_TIMEOUT,   /* the transport's own time limit (the core keeps its own deadline) */
    DH_HTTP_TOO_LARGE, /* the body was over max_response_bytes and was not kept */
    DH_HTTP_DENIED, /* the host denied the permission to connect (Deno's --allow-net): never retried
                     */
    DH_HTTP_BLOCKED,    /* the host's network policy or a blocked port stopped it: never retried */
    DH_HTTP_DNS,        /* the host name did not resolve: nothing was sent */
    DH_HTTP_TLS,        /* the TLS handshake failed (a certificate, say): never retried */
    DH_HTTP_RESET,      /* the connection was reset or closed early: the server may have acted */
    DH_HTTP_REDIRECTED, /* the answer came from another URL (a redirect the host followed) */
    DH_HTTP_HEADERS_TOO_LARGE, /* the response's header block (or trailers) passed the transport's
                                * limit, or one line passed libcurl's: the server may have acted */
    DH_HTTP_MALFORMED          /* what came back is not valid HTTP: the server may have acted */
} dh_http_failure;

typedef struct dh_http_response {
    dh_http_failure failure;
    int status;
    const char *raw_headers; /* "name: value\r\n..." as the host gives them; may be NULL */
    size_t raw_headers_len;
    const char *body;
    size_t body_len;
} dh_http_response;

/* The transport calls this once per sent request, unless the request was cancelled first.
 * `response` is borrowed for the duration of the call. */
typedef void (*dh_http_done)(void *call, const dh_http_response *response);

typedef struct dh_transport {
    void *ctx;
    /* Starts `req`; returns a handle for cancel, or NULL if it could not start (then `done` is
     * never called). `done` may not be called before send returns. */
    void *(*send)(void *ctx, const dh_http_request *req, dh_http_done done, void *call);
    /* After cancel, `done` is never called for that handle and the transport frees it. */
    void (*cancel)(void *ctx, void *handle);
    /* Clocks: monotonic milliseconds for deadlines and waits, and the wall clock in unix
     * seconds for JWT expiry and HTTP dates. Native tests give fake ones. */
    double (*now_ms)(void *ctx);
    int64_t (*now_unix)(void *ctx);
    /* A one-shot timer; returns a handle for clear_timer, NULL if it could not be set. */
    void *(*set_timer)(void *ctx, uint32_t ms, void (*fire)(void *arg), void *arg);
    void (*clear_timer)(void *ctx, void *timer);
    /* Uniform in [0, 1], for backoff jitter. */
    double (*random)(void *ctx);
} dh_transport;

/* ---- client ---- */

typedef struct dh_client dh_client;

/* Asked for a bearer JWT when the client has none, when its JWT is about to expire, and once
 * after a 401. Answer, now or later, with dh_client_token_ready. */
typedef void (*dh_token_provider)(void *ctx, dh_client *client);

typedef struct dh_config {
    const char *base_url; /* NULL: "https://hub.docker.com". http(s)://host[:port][/prefix] */
    /* Auth, one of: */
    const char *bearer;     /* a JWT, used as is */
    const char *identifier; /* credentials exchanged at POST /v2/auth/token, renewed a */
    const char *secret;     /*   minute before the JWT expires and once after a 401 */
    dh_token_provider token_provider;
    void *token_provider_ctx;
    uint32_t timeout_ms;       /* the whole call, retries included; 0: 30000 */
    int max_retries;           /* retries after the first try; 0: none, < 0: 3 */
    uint32_t retry_base_ms;    /* backoff: full jitter in [0, min(cap, base * 2^n)]; 0: 500 */
    uint32_t retry_cap_ms;     /* 0: 20000 */
    size_t max_response_bytes; /* 0: 16 MiB */
    dh_transport transport;    /* required: send, cancel, the clocks and the timers */
} dh_config;

/* Makes a client; NULL with *err set (a static message) when the config is refused.
 * Free with dh_client_free. */
DH_PUBLIC dh_client *dh_client_new(const dh_config *config, const char **err);

/* Replaces the bearer JWT (a copy is kept; NULL clears it). Returns DH_ERR_INVALID_ARGUMENT for
 * a value that cannot go in a header. */
DH_PUBLIC dh_code dh_client_set_bearer(dh_client *client, const char *bearer);

/* The token provider's answer: a JWT, or NULL with a sentence saying why there is none (the
 * waiting calls then fail with DH_ERR_UNAUTHORIZED). Ignored when nothing was asked. */
DH_PUBLIC void dh_client_token_ready(dh_client *client, const char *jwt, const char *why_not);

/* Settles with DH_ERR_ABORTED, now, every call in flight whose `user` pointer is `user`, and
 * stops its request; a late answer is discarded. Returns how many calls it settled. */
DH_PUBLIC int dh_cancel(dh_client *client, const void *user);

/* Settles every call in flight with DH_ERR_CLOSED (callbacks run before this returns), cancels
 * their requests, wipes the secrets and frees the client. */
DH_PUBLIC void dh_client_free(dh_client *client);

/* The operations. Each returns DH_OK once the call is under way; its callback runs later,
 * exactly once. On a refusal (invalid argument, out of memory) the callback still runs, before
 * the function returns, and the code is also returned. `org` and `id` are names: 1..255 of
 * [A-Za-z0-9._-], not all dots. */
DH_PUBLIC dh_code dh_list_tokens(dh_client *client, const char *org, const dh_list_options *options,
                                 dh_callback cb, void *user);
DH_PUBLIC dh_code dh_create_token(dh_client *client, const char *org,
                                  const dh_create_request *request, dh_callback cb, void *user);
DH_PUBLIC dh_code dh_get_token(dh_client *client, const char *org, const char *id, dh_callback cb,
                               void *user);
DH_PUBLIC dh_code dh_update_token(dh_client *client, const char *org, const char *id,
                                  const dh_update_request *request, dh_callback cb, void *user);
DH_PUBLIC dh_code dh_delete_token(dh_client *client, const char *org, const char *id,
                                  dh_callback cb, void *user);

/* Every token, page after page of `page_size` (1..100): `cb` runs once per page with
 * reply->more set while another page follows, and ends on an error, a null `next`, an empty
 * page, a page already seen, or after ceil(total / n) pages, n = page_size or the first page's
 * count if fewer (where the first page gives a total; without one, next is followed inside the
 * other guards). Each request goes to the client's base URL; only the page number is read from
 * `next`. dh_cancel(user) stops it. A page after the first is fetched only when
 * dh_list_all_next(client, user) asks for it; the call's timeout_ms bounds each page's fetch
 * (retries and sign-in included) from the moment it is asked for, and the time between pages does
 * not count. */
DH_PUBLIC dh_code dh_list_all_tokens(dh_client *client, const char *org, int page_size,
                                     dh_callback cb, void *user);
/* Fetches the next page of the dh_list_all_tokens whose `user` pointer is `user` (it may be
 * called from that page's callback). DH_ERR_INVALID_ARGUMENT when no such list waits for it. */
DH_PUBLIC dh_code dh_list_all_next(dh_client *client, const void *user);

#ifdef __cplusplus
}
#endif
#endif
