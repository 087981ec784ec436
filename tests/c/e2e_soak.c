/* The soak over real HTTP: hundreds of mixed calls, eight in flight at a time, through one
 * client on the libcurl transport: successes, 404s, 503s and resets retried, 429s, broken bodies,
 * cancels before and during the transfer. Each call settles exactly once, nothing is left in
 * the loop, and (under ASan and valgrind) the heap comes back. Every faulted call has its own
 * path, so concurrency cannot hand one call's fault to another; the sandbox's log then shows
 * how many times each was sent. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "e2e.h"

#define CALLS 240
#define IN_FLIGHT 8
#define KINDS 8

static const char *const fault_of_kind[KINDS] = {
    "\"preset\":\"html503\"",
    "\"status\":200,\"body\":{\"id\":\"soak\",\"label\":\"soak\",\"is_active\":true}",
    "\"preset\":\"bad-json\"",
    "\"reset\":true",
    "\"status\":429,\"headers\":{\"retry-after\":\"0\"},\"body\":{\"detail\":\"Rate limit exceeded\"}",
    NULL, /* cancelled before it could be sent */
    NULL, /* cancelled a few steps in: wherever the transfer is */
    NULL, /* a plain 404 */
};
/* What the sandbox sees of each kind: the first try, and a retry where one is due. */
static const int sends_of_kind[KINDS] = {2, 1, 1, 2, 2, -1, -1, 1};

static void start(e2e *t, int i, result *r, char ids[][32]) {
    snprintf(ids[i], 32, "soak-%03d", i);
    *r = (result){0};
    CHECK(dh_get_token(t->cl, "acme", ids[i], e2e_on_reply, r) == DH_OK);
    if (i % KINDS == 5) CHECK(dh_cancel(t->cl, r) == 1);
}

static void check_outcome(int i, const result *r) {
    static const dh_code want[KINDS] = {
        DH_ERR_NOT_FOUND, DH_OK,          DH_ERR_INVALID_RESPONSE, DH_ERR_NOT_FOUND,
        DH_ERR_NOT_FOUND, DH_ERR_ABORTED, DH_ERR_ABORTED,          DH_ERR_NOT_FOUND};
    int k = i % KINDS;
    CHECK(r->calls == 1);
    int ok = r->code == want[k] || (k == 6 && r->code == DH_ERR_NOT_FOUND); /* it may have won */
    if (!ok) fprintf(stderr, "   call %d (kind %d): %s\n", i, k, dh_code_name(r->code));
    CHECK(ok);
}

static void mixed_calls_over_http(void) {
    e2e_opts o = {.max_retries = 1};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    static result r[CALLS];
    static char ids[CALLS][32];
    static int cancel_at[CALLS];
    for (int i = 0; i < CALLS; i++) {
        if (!fault_of_kind[i % KINDS]) continue;
        char spec[512];
        snprintf(spec, sizeof spec, "{\"method\":\"GET\",\"path\":\"/soak-%03d$\",%s}", i,
                 fault_of_kind[i % KINDS]);
        e2e_fault(spec);
    }
    int next = 0, steps = 0;
    for (;;) {
        int busy = 0;
        for (int i = 0; i < next; i++) busy += !r[i].settled;
        for (; next < CALLS && busy < IN_FLIGHT; next++, busy++) {
            start(&t, next, &r[next], ids);
            cancel_at[next] = steps + 1 + next % 3;
        }
        for (int i = 0; i < next; i++)
            if (i % KINDS == 6 && !r[i].settled && steps >= cancel_at[i])
                CHECK(dh_cancel(t.cl, &r[i]) == 1);
        if (next == CALLS && dh_curl_pending(t.loop) == 0) break;
        CHECK(dh_curl_step(t.loop, 100) >= 0);
        steps++;
    }
    for (int i = 0; i < CALLS; i++) check_outcome(i, &r[i]);
    for (int i = 0; i < CALLS; i++) {
        int want = sends_of_kind[i % KINDS];
        if (want < 0) continue;
        char entry[96];
        snprintf(entry, sizeof entry, "GET /v2/orgs/acme/access-tokens/%s", ids[i]);
        int got = e2e_log_count(entry);
        if (got != want)
            fprintf(stderr, "   call %d (kind %d) was sent %d times\n", i, i % KINDS, got);
        CHECK(got == want);
    }
    CHECK(e2e_log_count("POST /v2/auth/token") == 1);
    e2e_close(&t);
}

TEST_GROUP(soak_tests) = {
    {"mixed_calls_over_http", mixed_calls_over_http},
    END_GROUP,
};
