/* End to end, over real HTTP, with the sandbox's fault injection: a 429 in every Retry-After
 * style, a reset create that is not repeated, a cancel while the body is awaited, and the
 * retries a user relies on. Order is read from the sandbox's request log. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"
#include "transport_curl_rx.h"

#define AUTH "POST /v2/auth/token"
#define ACME "/v2/orgs/acme/access-tokens"
#define LIST "GET " ACME "?page=1&page_size=10"
#define LIST_FAULT                                                                                 \
    "{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"status\":429,\"body\":{\"detail\":\"Rate limit exceeded\"},"

static void list(e2e *t, result *r) {
    *r = (result){0};
    CHECK(dh_list_tokens(t->cl, "acme", NULL, e2e_on_reply, r) == DH_OK);
    e2e_wait(t, r);
}

/* `headers` is a printf format of the fault's headers object, given the unix time it is due. */
typedef void (*style)(char *out, size_t n, int64_t due);

static void seconds(char *out, size_t n, int64_t due) {
    snprintf(out, n, "{\"retry-after\":\"%lld\"}", (long long)(due - e2e_unix_frozen));
}
static void http_date(char *out, size_t n, int64_t due) {
    time_t t = (time_t)due;
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[64];
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(out, n, "{\"retry-after\":\"%s\"}", date);
}
static void unix_in_retry_after(char *out, size_t n, int64_t due) {
    snprintf(out, n, "{\"retry-after\":\"%lld\",\"x-ratelimit-reset\":\"%lld\"}", (long long)due,
             (long long)due);
}
static void x_retry_after(char *out, size_t n, int64_t due) {
    snprintf(out, n, "{\"x-retry-after\":\"%lld\"}", (long long)due);
}
static void ratelimit_reset_only(char *out, size_t n, int64_t due) {
    snprintf(out, n, "{\"x-ratelimit-reset\":\"%lld\"}", (long long)due);
}

/* The fault's headers, with a Date of the frozen moment first: a moment is measured from the
 * answer's Date, and the real one could tick past the frozen second on a slow run (valgrind).
 * `out` holds HEADERS_MAX bytes: the styled object, the date and the words around them. */
enum { STYLED_MAX = 192, DATE_MAX = 64, HEADERS_MAX = STYLED_MAX + DATE_MAX + 16 };
static void fault_headers(char out[HEADERS_MAX], style s, int64_t due) {
    char styled[STYLED_MAX], date[DATE_MAX];
    s(styled, sizeof styled, due);
    time_t t = (time_t)e2e_unix_frozen;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    int n = snprintf(out, HEADERS_MAX, "{\"date\":\"%s\",%s", date, styled + 1);
    CHECK(n > 0 && n < HEADERS_MAX);
}

/* With no retry left, the error says how long the server asked to wait; with one, the call
 * waits that long (1 s here, by the loop's timer) and succeeds, as the log shows. The client's
 * wall clock is frozen, so "due in 7 s" is exactly 7. */
static void rate_limited(style s) {
    e2e_unix_frozen = (int64_t)time(NULL);
    char headers[HEADERS_MAX], spec[HEADERS_MAX + 256];
    fault_headers(headers, s, e2e_unix_frozen + 7);
    snprintf(spec, sizeof spec, LIST_FAULT "\"headers\":%s}", headers);
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    e2e_fault(spec);
    result r;
    list(&t, &r);
    CHECK(r.code == DH_ERR_RATE_LIMITED && r.status == 429);
    if (r.retry_after != 7)
        fprintf(stderr, "   retry_after is %lld, expected 7\n", (long long)r.retry_after);
    CHECK(r.retry_after == 7);
    e2e_close(&t);

    e2e_reset();
    e2e_opts once = {.max_retries = 1};
    if (!e2e_open(&t, &once)) return;
    fault_headers(headers, s, e2e_unix_frozen + 1);
    snprintf(spec, sizeof spec, LIST_FAULT "\"headers\":%s}", headers);
    e2e_fault(spec);
    list(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200 && r.total == 3);
    CHECK_STR(e2e_log(), AUTH "|" LIST "|" LIST);
    e2e_close(&t);
}

static void retry_after_seconds(void) { rate_limited(seconds); }
static void retry_after_http_date(void) { rate_limited(http_date); }
static void retry_after_unix_equal_to_reset(void) { rate_limited(unix_in_retry_after); }
static void x_retry_after_unix(void) { rate_limited(x_retry_after); }
static void x_ratelimit_reset_only(void) { rate_limited(ratelimit_reset_only); }

TEST_GROUP(retry_after_tests) = {
    {"seconds", retry_after_seconds},
    {"http_date", retry_after_http_date},
    {"unix_in_retry_after_equal_to_x_ratelimit_reset", retry_after_unix_equal_to_reset},
    {"x_retry_after_unix", x_retry_after_unix},
    {"x_ratelimit_reset_only", x_ratelimit_reset_only},
    END_GROUP,
};

/* ---- faults ---- */

static const char *const pull[] = {"scope-image-pull"};
static const dh_resource public_pull = {"TYPE_REPO", "*/*/public", pull, 1};

static void create(e2e *t, result *r) {
    dh_create_request req = {.label = "e2e-fault", .resources = &public_pull, .resource_count = 1};
    *r = (result){0};
    CHECK(dh_create_token(t->cl, "acme", &req, e2e_on_reply, r) == DH_OK);
    e2e_wait(t, r);
}

/* The connection dies mid-answer: the token may exist, so the create is not sent again. */
static void no_duplicate_create_after_reset(void) {
    e2e_opts o = {.max_retries = 3};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    e2e_fault(
        "{\"method\":\"POST\",\"path\":\"/access-tokens$\",\"status\":201,\"reset\":true,\"times\":3}");
    result r;
    create(&t, &r);
    CHECK(r.code == DH_ERR_NETWORK && r.maybe_created == 1);
    CHECK_STR(e2e_log(), AUTH "|POST " ACME);
    e2e_close(&t);
}

/* A 429 on create is the one answer that proves nothing was made: that create is retried. */
static void create_retried_after_429(void) {
    e2e_opts o = {.max_retries = 1};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    e2e_fault(
        "{\"method\":\"POST\",\"path\":\"/access-tokens$\",\"status\":429,\"headers\":{\"retry-after\":\"0\"},"
        "\"body\":{\"detail\":\"Rate limit exceeded\"}}");
    result r;
    create(&t, &r);
    CHECK(r.code == DH_OK && r.status == 201 && r.secret_len == 41);
    CHECK_STR(e2e_log(), AUTH "|POST " ACME "|POST " ACME);
    e2e_close(&t);
}

/* Steps until the stalled answer's headers are in (the body never comes). */
static int headers_arrived(e2e *t) {
    for (;;) {
        const dh_curl_rx *rx = e2e_last_handle ? dh_curl_rx_of(e2e_last_handle) : NULL;
        if (rx && rx->headers_len >= 4 &&
            strcmp(rx->headers + rx->headers_len - 4, "\r\n\r\n") == 0)
            return 1;
        if (dh_curl_step(t->loop, 1000) <= 0) return 0;
    }
}

/* Cancelled while the body is awaited: settled at once with ABORTED, the transfer gone from
 * the loop (nothing pending), and the client goes on working. */
static void cancel_mid_body(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result warm;
    list(&t, &warm); /* signed in: the next request is the list itself */
    e2e_fault("{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"stall\":true}");
    result r = {0};
    CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, &r) == DH_OK);
    CHECK(headers_arrived(&t));
    CHECK(!r.settled);
    CHECK(dh_cancel(t.cl, &r) == 1);
    CHECK(r.settled && r.code == DH_ERR_ABORTED && r.calls == 1);
    CHECK(dh_curl_pending(t.loop) == 0);
    CHECK(dh_curl_run(t.loop) == 0);
    CHECK(r.calls == 1);
    list(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK_STR(e2e_log(), AUTH "|" LIST "|" LIST "|" LIST);
    e2e_close(&t);
}

/* The core's deadline fires through the transport's timer and stops the stalled transfer. */
static void deadline_stops_a_stalled_body(void) {
    e2e_opts o = {.timeout_ms = 300};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    e2e_fault("{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"stall\":true}");
    result r;
    list(&t, &r);
    CHECK(r.code == DH_ERR_TIMEOUT);
    CHECK(dh_curl_pending(t.loop) == 0);
    e2e_close(&t);
}

/* 503s and a reset list are retried (a list is safe to repeat); a broken body is refused. */
static void retries_and_bad_bodies(void) {
    e2e_opts o = {.max_retries = 3};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    e2e_fault(
        "{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"preset\":\"html503\",\"times\":2}");
    result r;
    list(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK_STR(e2e_log(), AUTH "|" LIST "|" LIST "|" LIST);
    e2e_reset();
    e2e_fault("{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"reset\":true}");
    list(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK_STR(e2e_log(), LIST "|" LIST);
    e2e_fault("{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"preset\":\"bad-json\"}");
    list(&t, &r);
    CHECK(r.code == DH_ERR_INVALID_RESPONSE && r.status == 200);
    e2e_close(&t);
}

TEST_GROUP(fault_tests) = {
    {"no_duplicate_create_after_reset", no_duplicate_create_after_reset},
    {"create_retried_after_429", create_retried_after_429},
    {"cancel_mid_body", cancel_mid_body},
    {"deadline_stops_a_stalled_body", deadline_stops_a_stalled_body},
    {"retries_and_bad_bodies", retries_and_bad_bodies},
    END_GROUP,
};
