/* The transport over the Emscripten Fetch API: the only file that includes emscripten/fetch.h.
 *
 * Emscripten 3.1.6 facts this file is built around (seen in its library_fetch.js):
 * - emscripten_fetch_close on an in-flight fetch frees it while the XHR still runs, and the
 *   XHR's late callback then writes to freed memory. So cancel aborts the XHR first (from JS:
 *   after abort() no load/error callback can come), and only then closes.
 * - close calls onerror itself when readyState is not DONE; `closing` makes that call a no-op.
 * - fetch->data is not NUL-terminated and dies with close; the header block's length counts
 *   its NUL. */
#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/fetch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h" /* dh_wipe */
#include "dockerhub_oat_fetch.h"

typedef struct fetch_req {
    emscripten_fetch_t *fetch;
    dh_http_done done;
    void *call;
    size_t max_bytes;
    bool closing;
    bool in_send, failed_in_send; /* an XHR that throws in send() reports before fetch returns */
} fetch_req;

EM_JS(void, dh_xhr_abort, (unsigned id), {
    var xhr = Fetch.xhrs[id - 1];
    if (xhr) xhr.abort();
});

/* The XHR's maxResponseBytes, failure and responseURL: the contract in dockerhub_oat_fetch.h. */
EM_JS(void, dh_xhr_limit, (unsigned id, double max_bytes), {
    var xhr = Fetch.xhrs[id - 1];
    if (xhr) xhr.maxResponseBytes = max_bytes;
});

static const dh_http_failure failures[] = {DH_HTTP_NETWORK, DH_HTTP_REFUSED, DH_HTTP_TOO_LARGE,
                                           DH_HTTP_DENIED,  DH_HTTP_BLOCKED, DH_HTTP_DNS,
                                           DH_HTTP_TLS,     DH_HTTP_RESET,   DH_HTTP_REDIRECTED};

/* What the finished XHR says, in one crossing into JS. Without a status (*kind set): the XHR's
 * `failure` word as an index into failures[] above, in the contract's order (0: none given).
 * With one: *kind -1 when the answer came from another URL than the one asked for (a browser's
 * own XHR, where the host has no fetch, follows redirects itself; an unreadable URL counts as
 * another); else 0, and the response's header block copied in once (the Fetch API's own pair of
 * calls, emscripten_fetch_get_response_headers_length and _get_response_headers, builds the
 * string and measures it twice). A UTF-16 unit takes at most 3 bytes of UTF-8, so 3 * length + 1
 * holds it. Returns the block, or NULL (and *len 0) when there is none or on oom; free() it. */
EM_JS(char *, dh_xhr_outcome, (unsigned id, int status, const char *url, int *kind, size_t *len), {
    var xhr = Fetch.xhrs[id - 1];
    HEAP32[kind >> 2] = 0;
    HEAPU32[len >> 2] = 0;
    if (!status) {
        var words =
            [ 'refused', 'too_large', 'denied', 'blocked', 'dns', 'tls', 'reset', 'redirected' ];
        HEAP32[kind >> 2] = words.indexOf(xhr && xhr.failure) + 1;
        return 0;
    }
    var got = xhr && xhr.responseURL;
    if (got) {
        var same = false;
        try {
            same = got == new URL(UTF8ToString(url)).href;
        } catch (e) {}
        if (!same) {
            HEAP32[kind >> 2] = -1;
            return 0;
        }
    }
    var text = xhr ? xhr.getAllResponseHeaders() : null;
    if (!text) return 0;
    var cap = text.length * 3 + 1;
    var p = _malloc(cap);
    if (!p) return 0;
    var n = (Fetch.dhEncoder || (Fetch.dhEncoder = new TextEncoder()))
                .encodeInto(text, HEAPU8.subarray(p, p + cap - 1))
                .written;
    HEAPU8[p + n] = 0;
    HEAPU32[len >> 2] = n;
    return p;
});

/* close frees, without zeroing, the fetch's copy of each request header (Authorization holds
 * the JWT) and the response body (a created token's value): zero them first. */
static void wipe_fetch(emscripten_fetch_t *f) {
    if (f->data) dh_wipe((char *)f->data, (size_t)f->numBytes);
    const char *const *h = f->__attributes.requestHeaders;
    for (size_t i = 0; h && h[i]; i++) dh_wipe((char *)h[i], strlen(h[i]));
}

static void close_req(fetch_req *r) {
    r->closing = true;
    wipe_fetch(r->fetch);
    emscripten_fetch_close(r->fetch);
    dh_free(r);
}

static void on_finish(emscripten_fetch_t *f) {
    fetch_req *r = f->userData;
    if (r->closing) return;
    if (r->in_send) {
        r->failed_in_send = true; /* the core is told by send's NULL, not by a callback */
        return;
    }
    dh_http_response resp = {0};
    int kind = 0;
    size_t headers_len = 0;
    char *headers = dh_xhr_outcome(f->id, f->status, f->url, &kind, &headers_len);
    if (f->status == 0) {
        resp.failure = kind >= 0 && (size_t)kind < sizeof failures / sizeof *failures
                           ? failures[kind]
                           : DH_HTTP_NETWORK;
    } else if (kind < 0) {
        resp.failure = DH_HTTP_REDIRECTED;
    } else if ((size_t)f->numBytes > r->max_bytes) {
        resp.failure = DH_HTTP_TOO_LARGE;
    } else {
        resp.status = f->status;
        resp.raw_headers = headers;
        resp.raw_headers_len = headers_len;
        resp.body = f->data;
        resp.body_len = (size_t)f->numBytes;
    }
    r->done(r->call, &resp);
    if (headers) dh_wipe(headers, headers_len); /* a server may echo a secret in one */
    free(headers); /* the glue's _malloc: libc's, whatever dh_set_allocators was given */
    close_req(r);
}

static void *fetch_send(void *ctx, const dh_http_request *req, dh_http_done done, void *call) {
    (void)ctx;
    fetch_req *r = dh_calloc(1, sizeof *r);
    if (!r) return NULL;
    emscripten_fetch_attr_t attr;
    emscripten_fetch_attr_init(&attr);
    strncpy(attr.requestMethod, req->method, sizeof attr.requestMethod - 1);
    attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY | EMSCRIPTEN_FETCH_REPLACE;
    attr.requestHeaders = (const char *const *)req->headers;
    attr.requestData = req->body;
    attr.requestDataSize = req->body_len;
    attr.timeoutMSecs = 0; /* the core keeps the deadline */
    attr.onsuccess = on_finish;
    attr.onerror = on_finish;
    attr.userData = r;
    r->done = done;
    r->call = call;
    r->max_bytes = req->max_response_bytes;
    r->in_send = true;
    r->fetch = emscripten_fetch(&attr, req->url);
    r->in_send = false;
    if (!r->fetch) {
        dh_free(r);
        return NULL;
    }
    if (r->failed_in_send) {
        close_req(r);
        return NULL;
    }
    dh_xhr_limit(r->fetch->id, (double)r->max_bytes);
    return r;
}

static void fetch_cancel(void *ctx, void *handle) {
    (void)ctx;
    fetch_req *r = handle;
    dh_xhr_abort(r->fetch->id);
    close_req(r);
}

static double fetch_now_ms(void *ctx) {
    (void)ctx;
    return emscripten_get_now();
}

static int64_t fetch_now_unix(void *ctx) {
    (void)ctx;
    return (int64_t)time(NULL);
}

static void *fetch_set_timer(void *ctx, uint32_t ms, void (*fire)(void *arg), void *arg) {
    (void)ctx;
    long id = emscripten_set_timeout(fire, ms, arg);
    return id > 0 ? (void *)(intptr_t)id : NULL;
}

static void fetch_clear_timer(void *ctx, void *timer) {
    (void)ctx;
    emscripten_clear_timeout((long)(intptr_t)timer);
}

static double fetch_random(void *ctx) {
    (void)ctx;
    return emscripten_random();
}

dh_transport dh_fetch_transport(void) {
    return (dh_transport){NULL,           fetch_send,      fetch_cancel,      fetch_now_ms,
                          fetch_now_unix, fetch_set_timer, fetch_clear_timer, fetch_random};
}
