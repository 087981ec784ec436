/* The libcurl transport's receiving half without libcurl: the header callback fed line by line
 * (status lines included, as libcurl calls it) and the body callback fed in chunks, then the
 * response they make handed through the seam to a real client, as transport_curl.c does.
 *
 * Input: byte 0: the body limit / 4; byte 1: the body's chunk size - 1; byte 2: the status
 * (an index into `statuses`); then the header lines, a blank line, and the body. */
#include "fuzz.h"
#include "internal.h"
#include "transport_curl_rx.h"

static const int statuses[] = {200, 201, 204, 302, 400, 401, 403,
                               404, 409, 429, 500, 503, 99,  1000};

typedef struct pending {
    dh_http_done done;
    void *call;
    int sent;
} pending;

static void *fz_send(void *ctx, const dh_http_request *req, dh_http_done done, void *call) {
    (void)req;
    pending *p = ctx;
    p->done = done;
    p->call = call;
    p->sent++;
    return p;
}
static void fz_cancel(void *ctx, void *handle) { (void)ctx, (void)handle; }
static double fz_now_ms(void *ctx) { return (void)ctx, 0; }
static int64_t fz_now_unix(void *ctx) { return (void)ctx, 1800000000; }
static int timer_token;
static void *fz_set_timer(void *ctx, uint32_t ms, void (*fire)(void *), void *arg) {
    (void)ctx, (void)ms, (void)fire, (void)arg;
    return &timer_token; /* never fires: the call is answered before any deadline */
}
static void fz_clear_timer(void *ctx, void *t) { (void)ctx, (void)t; }
static double fz_random(void *ctx) { return (void)ctx, 0.5; }

static int replies;
static void on_reply(const dh_reply *r, void *user) {
    (void)user;
    replies++;
    FUZZ_CHECK((r->error != NULL) + (r->token != NULL) + (r->page != NULL) <= 1);
    if (r->error) FUZZ_CHECK(r->error->message != NULL);
}

/* Where the header block ends: after the first empty line ("\n" or "\r\n"), or the end. */
static size_t header_end(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n') continue;
        if (i + 1 < n && s[i + 1] == '\n') return i + 2;
        if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
    }
    return n;
}

/* What the header block should keep, computed the plain way: the lines after the last status
 * line up to its blank line (what follows that are trailers, dropped), each folded line (led by
 * a space or a tab) joined to the one before by one space, and a folded line with nothing
 * before it dropped. Returns the length written to `out` (at most n bytes). */
static size_t expected_block(const char *h, size_t n, char *out) {
    size_t len = 0;
    int done = 0;
    for (size_t at = 0; at < n;) {
        size_t line = 1;
        while (at + line < n && h[at + line - 1] != '\n') line++;
        const char *l = h + at;
        at += line;
        if (line >= 5 && memcmp(l, "HTTP/", 5) == 0) {
            len = 0;
            done = 0;
        } else if (done) {
            continue;
        } else if ((line == 2 && l[0] == '\r' && l[1] == '\n') || (line == 1 && l[0] == '\n')) {
            memcpy(out + len, l, line);
            len += line;
            done = 1;
        } else if (l[0] == ' ' || l[0] == '\t') {
            if (len == 0) continue;
            if (out[len - 1] == '\n') len--;
            if (len && out[len - 1] == '\r') len--;
            while (line && (*l == ' ' || *l == '\t')) l++, line--;
            out[len++] = ' ';
            memcpy(out + len, l, line);
            len += line;
        } else {
            memcpy(out + len, l, line);
            len += line;
        }
    }
    return len;
}

/* Feeds the header block one line per call, as libcurl does, and checks what is kept against
 * expected_block. Returns 0 when the callback stopped the transfer. */
static int feed_headers(dh_curl_rx *rx, char *h, size_t n) {
    for (size_t at = 0; at < n;) {
        size_t len = 1;
        while (at + len < n && h[at + len - 1] != '\n') len++;
        if (dh_curl_rx_header(h + at, 1, len, rx) != len) {
            FUZZ_CHECK(rx->headers_too_large || rx->oom);
            return 0;
        }
        at += len;
    }
    char *want = malloc(n + 1);
    FUZZ_CHECK(want != NULL);
    size_t want_len = expected_block(h, n, want);
    FUZZ_CHECK(rx->headers_len == want_len);
    FUZZ_CHECK(want_len == 0 || memcmp(rx->headers, want, want_len) == 0);
    free(want);
    return 1;
}

static int feed_body(dh_curl_rx *rx, char *b, size_t n, size_t chunk) {
    for (size_t at = 0; at < n; at += chunk) {
        size_t len = n - at < chunk ? n - at : chunk;
        if (dh_curl_rx_body(b + at, 1, len, rx) != len) {
            FUZZ_CHECK(rx->oom || (rx->too_large && at + len > rx->max_body));
            return 0;
        }
    }
    FUZZ_CHECK(n <= rx->max_body && rx->body_len == n);
    FUZZ_CHECK(n == 0 || memcmp(rx->body, b, n) == 0);
    return 1;
}

/* The response goes where transport_curl.c sends it: to the client that asked. */
static void deliver(const dh_http_response *resp) {
    pending p = {0};
    dh_config cfg = {.base_url = "http://127.0.0.1:9",
                     .bearer = "a.b.c",
                     .max_retries = 0,
                     .transport = {&p, fz_send, fz_cancel, fz_now_ms, fz_now_unix, fz_set_timer,
                                   fz_clear_timer, fz_random}};
    const char *why;
    dh_client *cl = dh_client_new(&cfg, &why);
    FUZZ_CHECK(cl != NULL);
    replies = 0;
    FUZZ_CHECK(dh_get_token(cl, "acme", "an-id", on_reply, NULL) == DH_OK);
    FUZZ_CHECK(p.sent == 1);
    p.done(p.call, resp);
    FUZZ_CHECK(replies == 1);
    dh_client_free(cl);
    FUZZ_CHECK(replies == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    dh_curl_rx rx = {.max_body = (size_t)data[0] * 4};
    size_t chunk = (size_t)data[1] + 1;
    int status = statuses[data[2] % (sizeof statuses / sizeof *statuses)];
    char *in = fuzz_copy(data + 3, size - 3);
    size_t n = size - 3, h = header_end(in, n);
    if (feed_headers(&rx, in, h) && feed_body(&rx, in + h, n - h, chunk)) {
        dh_http_response resp = dh_curl_rx_response(&rx, status);
        FUZZ_CHECK(resp.failure == (status < 100 || status > 999 ? DH_HTTP_NETWORK : DH_HTTP_OK));
        deliver(&resp);
    } else {
        dh_http_response resp = dh_curl_rx_response(&rx, status);
        FUZZ_CHECK(resp.failure != DH_HTTP_OK && resp.body == NULL);
        deliver(&resp);
    }
    dh_curl_rx_free(&rx);
    free(in);
    return 0;
}
