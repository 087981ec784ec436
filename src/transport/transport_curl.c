/* The transport over libcurl's multi interface (see include/dockerhub_oat_curl.h), native only.
 *
 * Each request is one easy handle on the loop's multi handle; each timer the core sets is a node
 * in the loop's list, sorted by when it is due. Completions are read from curl_multi_info_read
 * inside dh_curl_step, so `done` never runs inside send, and never inside a libcurl callback:
 * the core may start and cancel transfers from it. */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dockerhub_oat_curl.h"
#include "internal.h"
#include "transport_curl_rx.h"

typedef struct curl_req {
    struct dh_curl *loop;
    CURL *easy;
    struct curl_slist *headers;
    dh_curl_rx rx;
    dh_http_done done;
    void *call;
    struct curl_req *prev, *next;
} curl_req;

typedef struct dh_timer {
    double due_ms;
    void (*fire)(void *arg);
    void *arg;
    struct dh_timer *next;
} dh_timer;

struct dh_curl {
    CURLM *multi;
    curl_req *reqs;   /* in flight; owned here until done or cancel */
    dh_timer *timers; /* sorted by due_ms; owned here until fired or cleared */
    int req_count, timer_count;
    char *ca_file;
    char *proxy; /* dh_curl_options.proxy, or NULL */
    bool proxy_from_env;
    long connect_timeout_ms; /* 0: libcurl's own */
    /* SSLKEYLOGFILE is set and not allowed: each TLS context gets its key log callback taken
     * away again (libcurl set it from the variable) through OpenSSL's own setter. */
    void (*unset_keylog)(void *ssl_ctx, void *callback);
    uint64_t rng;
};

/* ---- clocks and timers ---- */

static double mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static double curl_now_ms(void *ctx) {
    (void)ctx;
    return mono_ms();
}

static int64_t curl_now_unix(void *ctx) {
    (void)ctx;
    return (int64_t)time(NULL);
}

/* Backoff jitter only: xorshift64*, not for secrets. */
static double curl_random(void *ctx) {
    dh_curl *loop = ctx;
    loop->rng ^= loop->rng >> 12;
    loop->rng ^= loop->rng << 25;
    loop->rng ^= loop->rng >> 27;
    return (double)((loop->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static void *curl_set_timer(void *ctx, uint32_t ms, void (*fire)(void *arg), void *arg) {
    dh_curl *loop = ctx;
    dh_timer *t = malloc(sizeof *t);
    if (!t) return NULL;
    *t = (dh_timer){mono_ms() + ms, fire, arg, NULL};
    dh_timer **at = &loop->timers;
    while (*at && (*at)->due_ms <= t->due_ms) at = &(*at)->next; /* equal times fire in order set */
    t->next = *at;
    *at = t;
    loop->timer_count++;
    return t;
}

static void curl_clear_timer(void *ctx, void *timer) {
    dh_curl *loop = ctx;
    for (dh_timer **at = &loop->timers; *at; at = &(*at)->next) {
        if (*at == timer) {
            *at = ((dh_timer *)timer)->next;
            free(timer);
            loop->timer_count--;
            return;
        }
    }
}

/* Fires what is due now, one at a time: a fired timer may set or clear others. */
static void fire_due_timers(dh_curl *loop) {
    double now = mono_ms();
    while (loop->timers && loop->timers->due_ms <= now) {
        dh_timer *t = loop->timers;
        loop->timers = t->next;
        loop->timer_count--;
        void (*fire)(void *) = t->fire;
        void *arg = t->arg;
        free(t);
        fire(arg);
    }
}

/* ---- requests ---- */

/* The header lines may carry the JWT: zeroed before libcurl's list is freed. */
static void free_headers(struct curl_slist *list) {
    for (struct curl_slist *h = list; h; h = h->next) {
        volatile char *p = h->data;
        while (*p) *p++ = 0;
    }
    curl_slist_free_all(list);
}

/* Stops and frees one transfer; the caller has unlinked it. */
static void req_destroy(curl_req *r) {
    curl_multi_remove_handle(r->loop->multi, r->easy);
    curl_easy_cleanup(r->easy);
    free_headers(r->headers);
    dh_curl_rx_free(&r->rx);
    free(r);
}

static void req_free(curl_req *r) {
    dh_curl *loop = r->loop;
    if (r->prev) r->prev->next = r->next;
    else loop->reqs = r->next;
    if (r->next) r->next->prev = r->prev;
    loop->req_count--;
    req_destroy(r);
}

static bool add_header(struct curl_slist **list, const char *name, const char *value) {
    size_t size = strlen(name) + strlen(value) + 3;
    char *line = malloc(size);
    if (!line) return false;
    /* "Name;" is libcurl's way to send a header with an empty value. */
    int n =
        *value ? snprintf(line, size, "%s: %s", name, value) : snprintf(line, size, "%s;", name);
    if (n < 0) {
        free(line);
        return false;
    }
    struct curl_slist *grown = curl_slist_append(*list, line);
    volatile char *p = line;
    while (*p) *p++ = 0;
    free(line);
    if (!grown) return false;
    *list = grown;
    return true;
}

/* Names and values come from the core, which refuses CR, LF and NUL in them. */
static bool build_headers(const dh_http_request *req, struct curl_slist **out) {
    struct curl_slist *list = NULL;
    bool ok = true;
    for (const char *const *h = req->headers; ok && h && *h; h += 2)
        ok = add_header(&list, h[0], h[1]);
    /* "Expect:" (no value) removes the header: libcurl would send "Expect: 100-continue" before
     * a large body and wait for an interim answer that servers seldom give. */
    struct curl_slist *grown = ok ? curl_slist_append(list, "Expect:") : NULL;
    if (grown) list = grown;
    *out = list;
    ok = ok && grown;
    return ok;
}

static bool set_method(CURL *e, const dh_http_request *req) {
    bool ok = true;
    if (strcmp(req->method, "GET") == 0) {
        ok = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
    } else {
        ok = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method) == CURLE_OK;
    }
    if (ok && (req->body || strcmp(req->method, "POST") == 0)) {
        /* The body lives until `done` (the seam's promise): no copy. */
        ok = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len) ==
                 CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "") == CURLE_OK;
    }
    return ok;
}

/* CURLOPT_SSL_CTX_FUNCTION: runs after libcurl has set up the OpenSSL context, its key log
 * callback included, and before the handshake. */
static CURLcode no_keylog(CURL *easy, void *ssl_ctx, void *loop) {
    (void)easy;
    ((dh_curl *)loop)->unset_keylog(ssl_ctx, NULL);
    return CURLE_OK;
}

/* Nothing from the environment that the program did not choose: a proxy only when the options
 * name one (NO_PROXY ignored then too) or ask for the environment's, and no TLS key log. */
static bool configure_environment(CURL *e, const dh_curl *loop) {
    bool ok = true;
    if (loop->proxy)
        ok = curl_easy_setopt(e, CURLOPT_PROXY, loop->proxy) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_NOPROXY, "") == CURLE_OK;
    else if (!loop->proxy_from_env)
        ok = curl_easy_setopt(e, CURLOPT_PROXY, "") ==
             CURLE_OK; /* "": no proxy, whatever the environment says */
    if (ok && loop->unset_keylog)
        ok = curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, no_keylog) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, (void *)loop) == CURLE_OK;
    return ok;
}

static bool configure(curl_req *r, const dh_http_request *req) {
    CURL *e = r->easy;
    size_t max = req->max_response_bytes;
    bool ok = curl_easy_setopt(e, CURLOPT_URL, req->url) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, dh_curl_rx_header) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_HEADERDATA, &r->rx) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, dh_curl_rx_body) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->rx) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_PRIVATE, r) == CURLE_OK &&
              configure_environment(e, r->loop) && build_headers(req, &r->headers) &&
              curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers) == CURLE_OK && set_method(e, req);
    /* A declared Content-Length over the limit is refused before the body is read. */
    if (ok && max < (size_t)INT64_MAX)
        ok = curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max) == CURLE_OK;
    if (ok && r->loop->ca_file)
        ok = curl_easy_setopt(e, CURLOPT_CAINFO, r->loop->ca_file) == CURLE_OK;
    if (ok && r->loop->connect_timeout_ms > 0)
        ok =
            curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->loop->connect_timeout_ms) == CURLE_OK;
    return ok;
}

static void *curl_send(void *ctx, const dh_http_request *req, dh_http_done done, void *call) {
    dh_curl *loop = ctx;
    curl_req *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->loop = loop;
    r->done = done;
    r->call = call;
    r->rx.max_body = req->max_response_bytes;
    r->easy = curl_easy_init();
    if (!r->easy || !configure(r, req) || curl_multi_add_handle(loop->multi, r->easy) != CURLM_OK) {
        if (r->easy) curl_easy_cleanup(r->easy);
        free_headers(r->headers);
        free(r);
        return NULL;
    }
    r->next = loop->reqs;
    if (r->next) r->next->prev = r;
    loop->reqs = r;
    loop->req_count++;
    return r;
}

const dh_curl_rx *dh_curl_rx_of(const void *handle) { return &((const curl_req *)handle)->rx; }

/* Removing the easy handle from the multi handle stops the transfer there and then (its
 * connection is closed, not kept), and drops its completion message if one is queued. */
static void curl_cancel(void *ctx, void *handle) {
    (void)ctx;
    req_free(handle);
}

/* libcurl turns down a header line over 100 KiB as if memory had run out, and says nothing
 * more (CURLE_TOO_LARGE from curl 8.6 on): inside a header block, that is what it means. */
static bool header_line_refused(const curl_req *r, CURLcode rc) {
#if LIBCURL_VERSION_NUM >= 0x080600
    if (rc == CURLE_TOO_LARGE) return r->rx.in_block;
#endif
    return rc == CURLE_OUT_OF_MEMORY && r->rx.in_block;
}

/* An answer that is not HTTP, or a header block libcurl refuses to read (a folded line with
 * nothing before it to continue: CURLE_BAD_FUNCTION_ARGUMENT in libcurl 7.x). */
static bool malformed(const curl_req *r, CURLcode rc) {
    return rc == CURLE_WEIRD_SERVER_REPLY || (rc == CURLE_BAD_FUNCTION_ARGUMENT && r->rx.in_block);
}

static long os_errno_of(const curl_req *r) {
    long os_errno = 0;
    curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
    return os_errno;
}

/* The seam's failure kinds, as the Fetch transport reports them: "refused" only where the
 * connection was refused, so nothing was sent and a create may be tried again; "reset" where
 * the connection ended before a whole answer came, so the server may have acted. */
static dh_http_failure failure_of(const curl_req *r, CURLcode rc) {
    if (r->rx.headers_too_large || header_line_refused(r, rc)) return DH_HTTP_HEADERS_TOO_LARGE;
    if (r->rx.too_large || rc == CURLE_FILESIZE_EXCEEDED) return DH_HTTP_TOO_LARGE;
    if (malformed(r, rc)) return DH_HTTP_MALFORMED;
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return DH_HTTP_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return DH_HTTP_DNS;
    case CURLE_COULDNT_CONNECT:
        return os_errno_of(r) == ECONNREFUSED ? DH_HTTP_REFUSED : DH_HTTP_NETWORK;
    case CURLE_PEER_FAILED_VERIFICATION: /* a certificate nobody vouches for, or for another name */
    case CURLE_SSL_CONNECT_ERROR: /* the handshake failed: a server that does not speak TLS there */
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE: return DH_HTTP_TLS;
    case CURLE_GOT_NOTHING:                        /* closed before a status line */
    case CURLE_PARTIAL_FILE: return DH_HTTP_RESET; /* closed before the whole body */
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: {
        long e = os_errno_of(r);
        return e == ECONNRESET || e == EPIPE || e == ECONNABORTED ? DH_HTTP_RESET : DH_HTTP_NETWORK;
    }
    default: return DH_HTTP_NETWORK;
    }
}

static void finish(curl_req *r, CURLcode rc) {
    dh_http_response resp = {.failure = failure_of(r, rc)};
    long status = 0;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        resp = dh_curl_rx_response(&r->rx, status);
    }
    /* Unlinked from the multi handle first: `done` may start new transfers. */
    curl_multi_remove_handle(r->loop->multi, r->easy);
    r->done(r->call, &resp);
    req_free(r);
}

static void read_completions(dh_curl *loop) {
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(loop->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        curl_req *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        CURLcode rc = msg->data.result;
        if (r) finish(r, rc);
    }
}

/* ---- the loop ---- */

dh_transport dh_curl_transport(dh_curl *loop) {
    return (dh_transport){loop,          curl_send,      curl_cancel,      curl_now_ms,
                          curl_now_unix, curl_set_timer, curl_clear_timer, curl_random};
}

/* SSLKEYLOGFILE makes libcurl write every TLS session's secrets to that file. Unless the options
 * allow it, each TLS context has the key log callback taken away again, through OpenSSL's own
 * setter found in the process (libcurl brought OpenSSL in). With another TLS library, or
 * without the setter, there is no way to stop it: then the loop is refused. NULL when fine, else
 * why not. */
static const char *guard_keylog(dh_curl *loop, const dh_curl_options *o) {
    const char *file = getenv("SSLKEYLOGFILE");
    if (!file || !*file || (o && o->allow_ssl_keylog)) return NULL;
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (v && v->ssl_version && strncmp(v->ssl_version, "OpenSSL/", 8) == 0) {
        void *self = dlopen(NULL, RTLD_LAZY);
        void *setter = self ? dlsym(self, "SSL_CTX_set_keylog_callback") : NULL;
        if (self) dlclose(self);
        if (setter) {
            memcpy(&loop->unset_keylog, &setter, sizeof setter); /* POSIX: a function's address */
            return NULL;
        }
    }
    return "SSLKEYLOGFILE is set, and this libcurl's TLS library would write the TLS secrets there: "
           "unset it, or set dh_curl_options.allow_ssl_keylog to debug with it";
}

static void loop_free(dh_curl *loop) {
    if (loop->multi) curl_multi_cleanup(loop->multi);
    free(loop->ca_file);
    free(loop->proxy);
    free(loop);
}

dh_curl *dh_curl_new(const dh_curl_options *options, const char **err) {
    const char *dummy;
    if (!err) err = &dummy;
    static const dh_curl_options defaults = {0};
    const dh_curl_options *o = options ? options : &defaults;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        *err = "libcurl could not start (curl_global_init)";
        return NULL;
    }
    dh_curl *loop = calloc(1, sizeof *loop);
    const char *why = loop ? guard_keylog(loop, o) : NULL;
    if (loop && !why) {
        loop->proxy_from_env = o->proxy_from_env != 0;
        loop->connect_timeout_ms = o->connect_timeout_ms;
        bool ok = (!o->ca_file || (loop->ca_file = strdup(o->ca_file))) &&
                  (!o->proxy || (loop->proxy = strdup(o->proxy))) &&
                  (loop->multi = curl_multi_init());
        if (!ok) why = DH_OOM_MESSAGE;
    }
    if (!loop || why) {
        *err = why ? why : DH_OOM_MESSAGE;
        if (loop) loop_free(loop);
        curl_global_cleanup();
        return NULL;
    }
    loop->rng = (uint64_t)(mono_ms() * 1000.0) ^ (uint64_t)(uintptr_t)loop ^ 0x9E3779B97F4A7C15ULL;
    if (!loop->rng) loop->rng = 1;
    return loop;
}

void dh_curl_free(dh_curl *loop) {
    if (!loop) return;
    curl_req *r = loop->reqs;
    loop->reqs = NULL;
    while (r) {
        curl_req *next = r->next;
        req_destroy(r);
        r = next;
    }
    while (loop->timers) {
        dh_timer *t = loop->timers;
        loop->timers = t->next;
        free(t);
    }
    loop_free(loop);
    curl_global_cleanup();
}

int dh_curl_pending(const dh_curl *loop) { return loop->req_count + loop->timer_count; }

long dh_curl_timeout_ms(dh_curl *loop) {
    long wait = -1;
    if (loop->req_count) {
        long c = -1;
        if (curl_multi_timeout(loop->multi, &c) != CURLM_OK) c = 0;
        int max_fd = -1;
        fd_set r, w, x;
        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_ZERO(&x);
        curl_multi_fdset(loop->multi, &r, &w, &x, &max_fd);
        if (max_fd < 0 && (c < 0 || c > 100)) c = 100;
        wait = c;
    }
    if (loop->timers) {
        double t = loop->timers->due_ms - mono_ms();
        long tl = t <= 0 ? 0 : (long)t + 1; /* rounded up: stepping early would fire nothing */
        if (wait < 0 || tl < wait) wait = tl;
    }
    return wait;
}

int dh_curl_fdset(dh_curl *loop, fd_set *read_fds, fd_set *write_fds, fd_set *except_fds,
                  int *max_fd) {
    int m = -1;
    if (curl_multi_fdset(loop->multi, read_fds, write_fds, except_fds, &m) != CURLM_OK) return -1;
    if (m > *max_fd) *max_fd = m;
    return 0;
}

int dh_curl_step(dh_curl *loop, int timeout_ms) {
    long wait = dh_curl_timeout_ms(loop);
    if (wait < 0 || wait > timeout_ms) wait = timeout_ms;
    if (wait > 0 && (loop->req_count || loop->timers)) {
        /* With no socket to offer, curl_multi_poll still waits out the time. */
        if (curl_multi_poll(loop->multi, NULL, 0, (int)wait, NULL) != CURLM_OK) return -1;
    }
    int running = 0;
    if (curl_multi_perform(loop->multi, &running) != CURLM_OK) return -1;
    read_completions(loop);
    fire_due_timers(loop);
    return dh_curl_pending(loop);
}

int dh_curl_run(dh_curl *loop) {
    int left;
    while ((left = dh_curl_step(loop, 1000)) > 0) {}
    return left < 0 ? -1 : 0;
}
