/* End to end, over real HTTP: every operation, sign-in renewal, auto-pagination, and the
 * loop adapter (fd sets) a program plugs into its own select(). Order is read from the
 * sandbox's request log. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "transport_curl_rx.h"

#define AUTH "POST /v2/auth/token"
#define ACME "/v2/orgs/acme/access-tokens"

static const char *const pull[] = {"scope-image-pull"};
static const dh_resource public_pull = {"TYPE_REPO", "*/*/public", pull, 1};

static void create(e2e *t, const char *label, result *r) {
    dh_create_request req = {
        .label = label, .description = "e2e", .resources = &public_pull, .resource_count = 1};
    *r = (result){0};
    CHECK(dh_create_token(t->cl, t->org, &req, e2e_on_reply, r) == DH_OK);
    e2e_wait(t, r);
}

static void list(e2e *t, const char *org, result *r) {
    *r = (result){0};
    CHECK(dh_list_tokens(t->cl, org, NULL, e2e_on_reply, r) == DH_OK);
    e2e_wait(t, r);
}

/* list, create, get, update, delete, and get after delete, in that order on the wire. */
static void every_operation(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result r;
    list(&t, "acme", &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK(r.total == 3 && r.count == 3);

    create(&t, "e2e-every-op", &r);
    CHECK(r.code == DH_OK && r.status == 201);
    CHECK_STR(r.label, "e2e-every-op");
    CHECK(r.secret_len == 41); /* dckr_oat_ + 32 */
    char id[64];
    snprintf(id, sizeof id, "%s", r.id);

    r = (result){0};
    CHECK(dh_get_token(t.cl, "acme", id, e2e_on_reply, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK_STR(r.id, id);
    CHECK(r.secret_len == 0); /* shown once, at create */

    dh_update_request up = {.description = "changed", .is_active = 0};
    r = (result){0};
    CHECK(dh_update_token(t.cl, "acme", id, &up, e2e_on_reply, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK_STR(r.description, "changed");
    CHECK(r.is_active == 0);

    r = (result){0};
    CHECK(dh_delete_token(t.cl, "acme", id, e2e_on_reply, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_OK && r.status == 204);

    r = (result){0};
    CHECK(dh_get_token(t.cl, "acme", id, e2e_on_reply, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_ERR_NOT_FOUND && r.status == 404);

    char want[1024];
    snprintf(want, sizeof want,
             AUTH "|GET " ACME "?page=1&page_size=10|POST " ACME "|GET " ACME "/%s|PATCH " ACME
                  "/%s|DELETE " ACME "/%s|GET " ACME "/%s",
             id, id, id, id);
    CHECK_STR(e2e_log(), want);
    e2e_close(&t);
}

/* The sandbox's refusals arrive as typed errors; an invalid argument sends nothing. */
static void errors_over_http(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result r;
    list(&t, "globex", &r);
    CHECK(r.code == DH_ERR_FORBIDDEN && r.status == 403);
    e2e_reset();
    r = (result){0};
    CHECK(dh_list_tokens(t.cl, "not/a name", NULL, e2e_on_reply, &r) == DH_ERR_INVALID_ARGUMENT);
    CHECK(r.settled && r.code == DH_ERR_INVALID_ARGUMENT);
    CHECK_STR(e2e_log(), "");
    e2e_close(&t);

    e2e_opts wrong = {.secret = "not-the-password"};
    if (!e2e_open(&t, &wrong)) return;
    list(&t, "acme", &r);
    CHECK(r.code == DH_ERR_UNAUTHORIZED && r.status == 401);
    CHECK(strstr(r.message, "not-the") == NULL);
    e2e_close(&t);
}

/* A port nobody listens on: refused, reported as a network failure, never a hang. */
static void connection_refused(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(s, (struct sockaddr *)&a, &len) == 0);
    close(s); /* the port is free again: a connect to it is refused */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    e2e_opts o = {.base_url = url};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    result r;
    list(&t, "acme", &r);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    e2e_close(&t);
}

/* maxResponseBytes: a body announced longer is refused before it is read (the limit while
 * the body streams in, without a Content-Length, is the curl_rx fuzz target's property). */
static void body_over_the_limit(void) {
    e2e_opts o = {.max_response_bytes = 200};
    e2e t;
    if (!e2e_open(&t, &o)) return;
    e2e_fault(
        "{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"body\":\"" /* 300 bytes */
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
    result r;
    list(&t, "acme", &r);
    CHECK(r.code == DH_ERR_INVALID_RESPONSE);
    CHECK(strstr(r.message, "200") != NULL || strstr(r.message, "large") != NULL);
    e2e_close(&t);
}

/* A 3xx is the core's to judge: the transport never follows it. */
static void redirect_not_followed(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    char spec[512];
    snprintf(
        spec, sizeof spec,
        "{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"status\":302,\"headers\":{\"location\":\"%s/v2/orgs/globex/"
        "access-tokens\"},\"body\":\"\"}",
        getenv("DOCKERHUB_BASE_URL"));
    e2e_fault(spec);
    result r;
    list(&t, "acme", &r);
    CHECK(r.code == DH_ERR_UNEXPECTED_STATUS && r.status == 302);
    CHECK_STR(e2e_log(), AUTH "|GET " ACME "?page=1&page_size=10");
    e2e_close(&t);
}

TEST_GROUP(ops_tests) = {
    {"every_operation", every_operation},
    {"errors_over_http", errors_over_http},
    {"connection_refused", connection_refused},
    {"body_over_the_limit", body_over_the_limit},
    {"redirect_not_followed", redirect_not_followed},
    END_GROUP,
};

/* ---- renewal (the sandbox mints 90-second JWTs for this group: --jwt-ttl 90) ---- */

/* The client renews a minute before exp, by its own clock: not at exp - 61 s, at exp - 59 s.
 * Both clocks stand still, so the JWT's exp is exactly T + 90. */
static void renews_a_minute_before_expiry(void) {
    const int64_t T = (int64_t)time(NULL);
    e2e_freeze_clocks(T);
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result r;
    list(&t, "acme", &r);
    CHECK(r.code == DH_OK);
    e2e_unix_frozen = T + 29; /* exp - 61 */
    list(&t, "acme", &r);
    CHECK(r.code == DH_OK);
    CHECK(e2e_log_count(AUTH) == 1);
    e2e_unix_frozen = T + 31; /* exp - 59 */
    list(&t, "acme", &r);
    CHECK(r.code == DH_OK);
    const char *L = "GET " ACME "?page=1&page_size=10";
    char want[512];
    snprintf(want, sizeof want, "%s|%s|%s|%s|%s", AUTH, L, L, AUTH, L);
    CHECK_STR(e2e_log(), want);
    e2e_close(&t);
}

/* The server's clock runs ahead: the JWT is dead there while the client thinks it is fresh.
 * The 401 makes the client sign in once more and send the request again. */
static void renews_after_a_401(void) {
    const int64_t T = (int64_t)time(NULL);
    e2e_freeze_clocks(T);
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result r;
    list(&t, "acme", &r);
    CHECK(r.code == DH_OK);
    e2e_advance_sandbox(91); /* the client still reads T */
    list(&t, "acme", &r);
    CHECK(r.code == DH_OK && r.status == 200);
    const char *L = "GET " ACME "?page=1&page_size=10";
    char want[512];
    snprintf(want, sizeof want, "%s|%s|%s|%s|%s", AUTH, L, L, AUTH, L);
    CHECK_STR(e2e_log(), want);
    e2e_close(&t);
}

TEST_GROUP(renewal_tests) = {
    {"renews_a_minute_before_expiry", renews_a_minute_before_expiry},
    {"renews_after_a_401", renews_after_a_401},
    END_GROUP,
};

/* ---- pagination ---- */

/* Pages come one at a time: each page's callback asks for the next (dh_list_all_next). */
static dh_client *paging_client;
static void on_page_ask_next(const dh_reply *reply, void *user) {
    e2e_on_reply(reply, user);
    if (reply->more) CHECK(dh_list_all_next(paging_client, user) == DH_OK);
}

/* `pages` has 23 tokens: five pages of 5, each page asked once, in order. */
static void list_all_pages(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result r = {0};
    paging_client = t.cl;
    CHECK(dh_list_all_tokens(t.cl, "pages", 5, on_page_ask_next, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_OK);
    CHECK(r.pages == 5 && r.items == 23 && r.total == 23 && r.more == 0);
    char want[1024] = AUTH;
    for (int p = 1; p <= 5; p++) {
        size_t n = strlen(want);
        snprintf(want + n, sizeof want - n, "|GET /v2/orgs/pages/access-tokens?page=%d&page_size=5",
                 p);
    }
    CHECK_STR(e2e_log(), want);
    e2e_close(&t);
}

/* dh_cancel stops a listing between pages: no page is fetched before it is asked for, nor after. */
static void list_all_cancelled_after_a_page(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result r = {0};
    CHECK(dh_list_all_tokens(t.cl, "pages", 5, e2e_on_reply, &r) == DH_OK);
    while (r.pages < 1 && dh_curl_step(t.loop, 1000) > 0) {}
    CHECK(r.pages == 1 && r.more == 1);
    CHECK(e2e_log_count("GET /v2/orgs/pages/access-tokens?page=2&page_size=5") ==
          0); /* not asked for */
    CHECK(dh_cancel(t.cl, &r) == 1);
    CHECK(r.code == DH_ERR_ABORTED && r.settled);
    CHECK(dh_curl_run(t.loop) == 0);
    CHECK(e2e_log_count("GET /v2/orgs/pages/access-tokens?page=3&page_size=5") == 0);
    CHECK(e2e_log_count("GET /v2/orgs/pages/access-tokens?page=1&page_size=5") == 1);
    e2e_close(&t);
}

TEST_GROUP(pagination_tests) = {
    {"list_all_pages", list_all_pages},
    {"list_all_cancelled_after_a_page", list_all_cancelled_after_a_page},
    END_GROUP,
};

/* ---- the adapter for a program's own loop ---- */

/* Two calls at once, driven by select() over dh_curl_fdset and dh_curl_timeout_ms. */
static void own_select_loop(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    result a = {0}, b = {0};
    CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, &a) == DH_OK);
    CHECK(dh_list_tokens(t.cl, "pages", &(dh_list_options){.page_size = 100}, e2e_on_reply, &b) ==
          DH_OK);
    int rounds = 0;
    while (dh_curl_pending(t.loop) > 0) {
        fd_set rd, wr, ex;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_ZERO(&ex);
        int max_fd = -1;
        CHECK(dh_curl_fdset(t.loop, &rd, &wr, &ex, &max_fd) == 0);
        long ms = dh_curl_timeout_ms(t.loop);
        struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
        CHECK(select(max_fd + 1, &rd, &wr, &ex, ms < 0 ? NULL : &tv) >= 0);
        CHECK(dh_curl_step(t.loop, 0) >= 0);
        rounds++;
    }
    CHECK(a.settled && a.code == DH_OK && a.total == 3);
    CHECK(b.settled && b.code == DH_OK && b.total == 23 && b.count == 23);
    CHECK(rounds > 1);
    /* One sign-in shared by both calls, then both lists. */
    CHECK(e2e_log_count(AUTH) == 1);
    CHECK(e2e_log_count("GET " ACME "?page=1&page_size=10") == 1);
    CHECK(e2e_log_count("GET /v2/orgs/pages/access-tokens?page=1&page_size=100") == 1);
    e2e_close(&t);
}

/* A callback may start the next call: dh_curl_run waits for that one too. */
typedef struct chain {
    e2e *t;
    result first, second;
} chain;

static void on_first(const dh_reply *r, void *user) {
    chain *c = user;
    e2e_on_reply(r, &c->first);
    if (!r->error && r->page->count)
        CHECK(dh_get_token(c->t->cl, "acme", r->page->results[0].id, e2e_on_reply, &c->second) ==
              DH_OK);
}

static void blocking_run(void) {
    e2e t;
    if (!e2e_open(&t, NULL)) return;
    chain c = {&t, {0}, {0}};
    CHECK(dh_list_tokens(t.cl, "acme", NULL, on_first, &c) == DH_OK);
    CHECK(dh_curl_run(t.loop) == 0);
    CHECK(c.first.settled && c.first.code == DH_OK);
    CHECK(c.second.settled && c.second.code == DH_OK && c.second.status == 200);
    CHECK_STR(c.second.id, c.first.id);
    CHECK(dh_curl_pending(t.loop) == 0);
    e2e_close(&t);
}

TEST_GROUP(loop_tests) = {
    {"own_select_loop", own_select_loop},
    {"blocking_run", blocking_run},
    END_GROUP,
};

/* ---- TLS (the launcher's --tls: two HTTPS servers in front of the same sandbox) ---- */

static void tls_list(const char *url_env, const char *ca_env, result *r) {
    e2e_opts o = {.base_url = getenv(url_env), .ca_file = ca_env ? getenv(ca_env) : NULL};
    CHECK(o.base_url != NULL);
    e2e t;
    if (!o.base_url || !e2e_open(&t, &o)) return;
    *r = (result){0};
    CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, r) == DH_OK);
    e2e_wait(&t, r);
    e2e_close(&t);
}

/* A certificate nobody vouches for is refused before anything is sent. */
static void verified_by_default(void) {
    result r;
    tls_list("DH_E2E_TLS_URL", NULL, &r);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    CHECK_STR(e2e_log(), "");
}

static void trusted_through_ca_file(void) {
    result r;
    tls_list("DH_E2E_TLS_URL", "DH_E2E_TLS_CA", &r);
    CHECK(r.code == DH_OK && r.status == 200 && r.total == 3);
    CHECK_STR(e2e_log(), AUTH "|GET " ACME "?page=1&page_size=10");
}

/* A trusted certificate for another name (127.0.0.2) is refused all the same. */
static void host_name_checked(void) {
    result r;
    tls_list("DH_E2E_TLS_WRONG_URL", "DH_E2E_TLS_WRONG_CA", &r);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    CHECK_STR(e2e_log(), "");
}

TEST_GROUP(tls_tests) = {
    {"verified_by_default", verified_by_default},
    {"trusted_through_ca_file", trusted_through_ca_file},
    {"host_name_checked", host_name_checked},
    END_GROUP,
};

/* ---- the transport against the launcher's raw server (what the sandbox cannot answer) ---- */

static int open_raw(e2e *t, size_t max_response_bytes) {
    e2e_opts o = {.base_url = getenv("DH_E2E_RAW_URL"),
                  .bearer = "e2e.raw.jwt",
                  .max_response_bytes = max_response_bytes};
    CHECK(o.base_url != NULL);
    return o.base_url && e2e_open(t, &o);
}

/* "closed N" from the raw server: it answers once the connection of `route` is gone. */
static long long closed_after(const char *route) {
    char line[96];
    snprintf(line, sizeof line, "{\"op\":\"closed\",\"route\":\"%s\"}", route);
    const char *a = e2e_ctl(line);
    long long n = -1;
    if (sscanf(a, "closed %lld", &n) != 1) fprintf(stderr, "   control: %s\n", a);
    return n;
}

/* A body with no Content-Length that never ends: stopped once it passes max_response_bytes,
 * and its connection closed (the server's next write finds it gone). */
static void endless_body_stopped_at_the_limit(void) {
    e2e t;
    if (!open_raw(&t, 1024 * 1024)) return;
    result r = {0};
    CHECK(dh_list_tokens(t.cl, "endless", NULL, e2e_on_reply, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_ERR_INVALID_RESPONSE && r.status == 0);
    long long sent = closed_after("endless");
    CHECK(sent > 1024 * 1024 && sent < 64LL * 1024 * 1024); /* the server stops at 256 MiB */
    e2e_close(&t);
}

/* A cancel while the body is awaited closes the connection: the server sees it go. */
static void cancel_closes_the_connection(void) {
    e2e t;
    if (!open_raw(&t, 0)) return;
    result r = {0};
    CHECK(dh_list_tokens(t.cl, "stall", NULL, e2e_on_reply, &r) == DH_OK);
    for (;;) {
        const dh_curl_rx *rx = e2e_last_handle ? dh_curl_rx_of(e2e_last_handle) : NULL;
        if (rx && rx->headers_len >= 4 &&
            strcmp(rx->headers + rx->headers_len - 4, "\r\n\r\n") == 0)
            break;
        if (dh_curl_step(t.loop, 1000) <= 0) break;
    }
    CHECK(!r.settled);
    CHECK(dh_cancel(t.cl, &r) == 1);
    CHECK(r.code == DH_ERR_ABORTED && dh_curl_pending(t.loop) == 0);
    CHECK(closed_after("stall") == 0); /* waits for the close: a connection kept open hangs here */
    e2e_close(&t);
}

static int saw_interim, saw_final;
static void on_hints(const dh_reply *r, void *user) {
    for (size_t i = 0; i < r->header_count; i++) {
        saw_interim |= strcmp(r->headers[i].name, "x-interim") == 0;
        saw_final |= strcmp(r->headers[i].name, "x-final") == 0;
    }
    e2e_on_reply(r, user);
}

/* A 103 before the answer: its headers are not the answer's. */
static void interim_headers_are_not_the_answers(void) {
    e2e t;
    if (!open_raw(&t, 0)) return;
    result r = {0};
    saw_interim = saw_final = 0;
    CHECK(dh_list_tokens(t.cl, "hints", NULL, on_hints, &r) == DH_OK);
    e2e_wait(&t, &r);
    CHECK(r.code == DH_OK && r.status == 200 && r.total == 0);
    CHECK(saw_final && !saw_interim);
    e2e_close(&t);
}

/* The seam itself, without a client: what one request reports, for each way it can end. */
static void on_seam(void *call, const dh_http_response *resp) {
    seam_result *o = call;
    o->done++;
    o->failure = resp->failure;
    o->status = resp->status;
}

seam_result seam_send(const char *method, const char *url, size_t max_bytes) {
    return seam_send_with(NULL, method, url, max_bytes);
}

seam_result seam_send_with(const dh_curl_options *options, const char *method, const char *url,
                           size_t max_bytes) {
    seam_result o = {0};
    const char *err = NULL;
    dh_curl *loop = dh_curl_new(options, &err);
    CHECK(loop != NULL);
    if (!loop) return o;
    dh_transport tr = dh_curl_transport(loop);
    static const char *const headers[] = {"Accept", "application/json", NULL};
    dh_http_request req = {
        method, url, headers, method[0] == 'P' ? "{}" : NULL, method[0] == 'P' ? 2 : 0, max_bytes};
    void *h = tr.send(tr.ctx, &req, on_seam, &o);
    CHECK(h != NULL);
    CHECK(o.done == 0); /* never inside send */
    CHECK(dh_curl_run(loop) == 0);
    CHECK(o.done == 1);
    dh_curl_free(loop);
    return o;
}

static void failure_kinds(void) {
    char url[256];
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
          getsockname(s, (struct sockaddr *)&a, &len) == 0);
    close(s);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", ntohs(a.sin_port));
    seam_result r = seam_send("GET", url, 1 << 20);
    CHECK(r.failure == DH_HTTP_REFUSED); /* nothing was sent: a create may go again */

    const char *base = getenv("DOCKERHUB_BASE_URL");
    e2e_fault("{\"method\":\"POST\",\"path\":\"/access-tokens$\",\"reset\":true}");
    snprintf(url, sizeof url, "%s%s", base, ACME);
    r = seam_send("POST", url, 1 << 20);
    CHECK(r.failure == DH_HTTP_RESET); /* sent, then cut: the server may have acted */

    r = seam_send("GET", url, 8); /* the sandbox's 401 body is longer, with its Content-Length */
    CHECK(r.failure == DH_HTTP_TOO_LARGE && r.status == 0);
    snprintf(url, sizeof url, "%s/v2/orgs/endless/access-tokens", getenv("DH_E2E_RAW_URL"));
    r = seam_send("GET", url, 100000); /* no Content-Length: stopped while it streams */
    CHECK(r.failure == DH_HTTP_TOO_LARGE);

    e2e_fault(
        "{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"status\":301,\"headers\":{\"location\":\"/v2/users/login\"},"
        "\"body\":\"moved\"}");
    snprintf(url, sizeof url, "%s%s", base, ACME);
    r = seam_send("GET", url, 1 << 20);
    CHECK(r.failure == DH_HTTP_OK && r.status == 301);
    CHECK(e2e_log_count("POST /v2/users/login") == 0 && e2e_log_count("GET /v2/users/login") == 0);
}

TEST_GROUP(transport_tests) = {
    {"endless_body_stopped_at_the_limit", endless_body_stopped_at_the_limit},
    {"cancel_closes_the_connection", cancel_closes_the_connection},
    {"interim_headers_are_not_the_answers", interim_headers_are_not_the_answers},
    {"failure_kinds", failure_kinds},
    END_GROUP,
};
