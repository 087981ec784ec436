/* The transport over the Emscripten Fetch API: the only file that includes emscripten/fetch.h.
 *
 * Emscripten 3.1.6 facts this file is built around (docs/toolchain.md):
 * - emscripten_fetch_close on an in-flight fetch frees it while the XHR still runs, and the
 *   XHR's late callback then writes to freed memory. So cancel aborts the XHR first (from JS:
 *   after abort() no load/error callback can come), and only then closes.
 * - close calls onerror itself when readyState is not DONE; `closing` makes that call a no-op.
 * - fetch->data is not NUL-terminated and dies with close; the header block's length counts
 *   its NUL. */
#include <emscripten/emscripten.h>
#include <emscripten/fetch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "transport_fetch.h"

typedef struct fetch_req {
    emscripten_fetch_t *fetch;
    dh_http_done done;
    void *call;
    double started_ms;
    uint32_t timeout_ms;
    bool closing;
    bool in_send, failed_in_send; /* an XHR that throws in send() reports before fetch returns */
} fetch_req;

EM_JS(void, dh_xhr_abort, (unsigned id), {
    var xhr = Fetch.xhrs[id - 1];
    if (xhr) xhr.abort();
});

static void close_req(fetch_req *r) {
    r->closing = true;
    emscripten_fetch_close(r->fetch);
    free(r);
}

static void on_finish(emscripten_fetch_t *f) {
    fetch_req *r = f->userData;
    if (r->closing) return;
    if (r->in_send) {
        r->failed_in_send = true; /* the core is told by send's NULL, not by a callback */
        return;
    }
    dh_http_response resp = {0};
    char *headers = NULL;
    if (f->status == 0) {
        /* XHR reports a network failure and a timeout alike (status 0): tell them by the clock. */
        bool timed_out = r->timeout_ms && emscripten_get_now() - r->started_ms >= r->timeout_ms - 1;
        resp.failure = timed_out ? DH_HTTP_TIMEOUT : DH_HTTP_NETWORK;
    } else {
        resp.status = f->status;
        size_t len = emscripten_fetch_get_response_headers_length(f);
        headers = len ? malloc(len + 1) : NULL;
        if (headers) {
            emscripten_fetch_get_response_headers(f, headers, len + 1);
            headers[len] = '\0';
            resp.raw_headers = headers;
            resp.raw_headers_len = strlen(headers);
        }
        resp.body = f->data;
        resp.body_len = (size_t)f->numBytes;
    }
    r->done(r->call, &resp);
    free(headers);
    close_req(r);
}

static void *fetch_send(void *ctx, const dh_http_request *req, dh_http_done done, void *call) {
    (void)ctx;
    fetch_req *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    emscripten_fetch_attr_t attr;
    emscripten_fetch_attr_init(&attr);
    strncpy(attr.requestMethod, req->method, sizeof attr.requestMethod - 1);
    attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY | EMSCRIPTEN_FETCH_REPLACE;
    attr.requestHeaders = (const char *const *)req->headers;
    attr.requestData = req->body;
    attr.requestDataSize = req->body_len;
    attr.timeoutMSecs = req->timeout_ms;
    attr.onsuccess = on_finish;
    attr.onerror = on_finish;
    attr.userData = r;
    r->done = done;
    r->call = call;
    r->timeout_ms = req->timeout_ms;
    r->started_ms = emscripten_get_now();
    r->in_send = true;
    r->fetch = emscripten_fetch(&attr, req->url);
    r->in_send = false;
    if (!r->fetch) {
        free(r);
        return NULL;
    }
    if (r->failed_in_send) {
        close_req(r);
        return NULL;
    }
    return r;
}

static void fetch_cancel(void *ctx, void *handle) {
    (void)ctx;
    fetch_req *r = handle;
    dh_xhr_abort(r->fetch->id);
    close_req(r);
}

dh_transport dh_fetch_transport(void) { return (dh_transport){NULL, fetch_send, fetch_cancel}; }
