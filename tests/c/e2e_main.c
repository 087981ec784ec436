/* The e2e groups (ctest runs each as one process under tests/c/e2e_sandbox.mjs; test_runner.c
 * runs them) and the helpers every group shares. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "transport_curl_rx.h"

int64_t e2e_unix_offset, e2e_unix_frozen;
void *e2e_last_handle;

#define CTL_FD 3

const char *e2e_ctl(const char *json_line) {
    static char answer[1 << 20];
    size_t n = strlen(json_line);
    if (write(CTL_FD, json_line, n) != (ssize_t)n || write(CTL_FD, "\n", 1) != 1) {
        fprintf(stderr,
                "e2e: no control channel on fd 3 (run me through tests/c/e2e_sandbox.mjs)\n");
        exit(2);
    }
    size_t len = 0;
    for (;;) {
        char c;
        ssize_t got = read(CTL_FD, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            fprintf(stderr, "e2e: the control channel closed\n");
            exit(2);
        }
        if (c == '\n') break;
        if (len + 1 < sizeof answer) answer[len++] = c;
    }
    answer[len] = '\0';
    return answer;
}

static void ctl_ok(const char *line) {
    const char *a = e2e_ctl(line);
    if (strcmp(a, "ok") != 0) {
        fprintf(stderr, "e2e: control answered %s to %s\n", a, line);
        test_failures++;
    }
}

void e2e_reset(void) { ctl_ok("{\"op\":\"reset\"}"); }

void e2e_fault(const char *spec_json) {
    char line[4096];
    snprintf(line, sizeof line, "{\"op\":\"faults\",\"spec\":%s}", spec_json);
    ctl_ok(line);
}

const char *e2e_log(void) { return e2e_ctl("{\"op\":\"requests\"}"); }

int e2e_log_count(const char *entry) {
    const char *log = e2e_log();
    size_t n = strlen(entry);
    int count = 0;
    for (const char *p = log; *p;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        count += len == n && strncmp(p, entry, n) == 0;
        p += len + (end != NULL);
    }
    return count;
}

void e2e_advance_sandbox(int seconds) {
    char line[64];
    snprintf(line, sizeof line, "{\"op\":\"advance\",\"seconds\":%d}", seconds);
    ctl_ok(line);
}

void e2e_freeze_clocks(int64_t t) {
    char line[80];
    snprintf(line, sizeof line, "{\"op\":\"freeze\",\"unix\":%lld}", (long long)t);
    ctl_ok(line);
    e2e_unix_frozen = t;
}

/* ---- clients ---- */

static int64_t e2e_now_unix(void *ctx) {
    (void)ctx;
    return e2e_unix_frozen ? e2e_unix_frozen : (int64_t)time(NULL) + e2e_unix_offset;
}

static dh_transport real;

static void *e2e_send(void *ctx, const dh_http_request *req, dh_http_done done, void *call) {
    void *h = real.send(ctx, req, done, call);
    if (h) e2e_last_handle = h;
    return h;
}

int e2e_open(e2e *t, const e2e_opts *opts) {
    static const e2e_opts none = {0};
    if (!opts) opts = &none;
    const char *why = NULL;
    *t = (e2e){.org = getenv("DOCKERHUB_ORG")};
    dh_curl_options lo = {.ca_file = opts->ca_file,
                          .proxy = opts->proxy,
                          .proxy_from_env = opts->proxy_from_env,
                          .allow_ssl_keylog = opts->allow_ssl_keylog,
                          .connect_timeout_ms = opts->connect_timeout_ms};
    t->loop = dh_curl_new(&lo, &why);
    CHECK(t->loop != NULL);
    if (!t->loop) {
        fprintf(stderr, "e2e: dh_curl_new: %s\n", why);
        return 0;
    }
    dh_transport tr = dh_curl_transport(t->loop);
    real = tr;
    tr.send = e2e_send;
    tr.now_unix = e2e_now_unix;
    dh_config cfg = {.base_url = opts->base_url ? opts->base_url : getenv("DOCKERHUB_BASE_URL"),
                     .bearer = opts->bearer,
                     .identifier = opts->bearer ? NULL : getenv("DOCKERHUB_IDENTIFIER"),
                     .secret = opts->bearer   ? NULL
                               : opts->secret ? opts->secret
                                              : getenv("DOCKERHUB_SECRET"),
                     .timeout_ms = opts->timeout_ms,
                     .max_retries = opts->max_retries,
                     .retry_base_ms = 20,
                     .retry_cap_ms = 100,
                     .max_response_bytes = opts->max_response_bytes,
                     .transport = tr};
    t->cl = dh_client_new(&cfg, &why);
    if (!t->cl) fprintf(stderr, "e2e: dh_client_new: %s\n", why);
    CHECK(t->cl != NULL);
    if (!t->cl) {
        dh_curl_free(t->loop);
        return 0;
    }
    return 1;
}

void e2e_close(e2e *t) {
    dh_client_free(t->cl);
    /* Every call settled and every request and timer of the client is gone with it. */
    CHECK(dh_curl_pending(t->loop) == 0);
    dh_curl_free(t->loop);
    e2e_last_handle = NULL;
}

void e2e_on_reply(const dh_reply *r, void *user) {
    result *o = user;
    o->calls++;
    o->status = r->status;
    if (r->error) {
        o->settled = 1;
        o->code = r->error->code;
        o->retry_after = r->error->retry_after;
        o->maybe_created = r->error->maybe_created;
        snprintf(o->message, sizeof o->message, "%s", r->error->message);
        return;
    }
    o->code = DH_OK;
    if (r->token) {
        snprintf(o->id, sizeof o->id, "%s", r->token->id ? r->token->id : "");
        snprintf(o->label, sizeof o->label, "%s", r->token->label ? r->token->label : "");
        snprintf(o->description, sizeof o->description, "%s",
                 r->token->description ? r->token->description : "");
        o->is_active = r->token->is_active;
        o->secret_len = r->token->token ? strlen(r->token->token) : 0;
    }
    if (r->page) {
        o->pages++;
        o->count = r->page->count;
        o->items += r->page->count;
        o->total = r->page->total;
        if (r->page->count) snprintf(o->id, sizeof o->id, "%s", r->page->results[0].id);
    }
    o->more = r->more;
    if (!r->more) o->settled = 1;
}

void e2e_wait(e2e *t, result *r) {
    while (!r->settled) {
        int left = dh_curl_step(t->loop, 1000);
        CHECK(left >= 0);
        if (left < 0 || (left == 0 && !r->settled)) {
            fprintf(stderr, "e2e: nothing left to wait for, and the call has not settled\n");
            test_failures++;
            return;
        }
    }
}

/* ---- groups ---- */

extern const test_case ops_tests[], renewal_tests[], retry_after_tests[], fault_tests[],
    pagination_tests[], loop_tests[], soak_tests[], tls_tests[], transport_tests[],
    transport_kind_tests[], header_tests[], environment_tests[];

static const test_group groups[] = {{"ops", ops_tests},
                                    {"renewal", renewal_tests},
                                    {"retry_after", retry_after_tests},
                                    {"faults", fault_tests},
                                    {"pagination", pagination_tests},
                                    {"loop", loop_tests},
                                    {"soak", soak_tests},
                                    {"tls", tls_tests},
                                    {"transport", transport_tests},
                                    {"failures", transport_kind_tests},
                                    {"headers", header_tests},
                                    {"environment", environment_tests}};

/* Each case starts from an empty request log, no pending fault and the real clocks. */
static void fresh_sandbox(void) {
    e2e_reset();
    e2e_unix_offset = e2e_unix_frozen = 0;
}

int main(int argc, char **argv) { return TEST_MAIN(groups, argc, argv, "e2e.", fresh_sandbox); }
