/* End to end, the libcurl transport against servers that misbehave on purpose
 * (tests/c/e2e_sandbox.mjs): each way a connection can fail gets the JS client's failure kind
 * and words; a hostile header block gets its own error or handling; and nothing is taken from
 * the environment that the program did not choose (proxies, SSLKEYLOGFILE). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

#define ACME "/v2/orgs/acme/access-tokens"

/* A loopback port nobody listens on. */
static int free_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
          getsockname(s, (struct sockaddr *)&a, &len) == 0);
    close(s);
    return ntohs(a.sin_port);
}

/* A list of `org` by a client with a JWT (no sign-in) at `base`, no retries. */
static result list_at(const char *base, const char *org, const e2e_opts *more) {
    e2e_opts o = more ? *more : (e2e_opts){0};
    o.base_url = base;
    o.bearer = "e2e.transport.jwt";
    result r = {0};
    e2e t;
    if (!e2e_open(&t, &o)) return r;
    CHECK(dh_list_tokens(t.cl, org, NULL, e2e_on_reply, &r) == DH_OK);
    e2e_wait(&t, &r);
    e2e_close(&t);
    return r;
}

static void check_message(const result *r, const char *words) {
    if (!strstr(r->message, words))
        fprintf(stderr, "   message \"%s\" lacks \"%s\"\n", r->message, words);
    CHECK(strstr(r->message, words) != NULL);
}

/* ---- failure kinds: one real cause each ---- */

/* A name that cannot resolve (.invalid, RFC 6761). */
static void dns(void) {
    seam_result s = seam_send("GET", "http://dh-e2e.invalid/x", 1 << 20);
    CHECK(s.failure == DH_HTTP_DNS);
    result r = list_at("http://dh-e2e.invalid", "acme", NULL);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    check_message(&r, "did not resolve (DNS)");
}

/* A TLS listener whose self-signed certificate nobody vouches for. */
static void tls_certificate_not_trusted(void) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", getenv("DH_E2E_TLS_URL"), ACME);
    CHECK(seam_send("GET", url, 1 << 20).failure == DH_HTTP_TLS);
    result r = list_at(getenv("DH_E2E_TLS_URL"), "acme", NULL);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    check_message(&r, "TLS connection failed");
    CHECK_STR(e2e_log(), "");
}

/* TLS spoken to the sandbox's plain-HTTP port. */
static void tls_to_a_plain_http_port(void) {
    const char *plain = getenv("DOCKERHUB_BASE_URL"); /* http://127.0.0.1:PORT */
    char base[128], url[256];
    snprintf(base, sizeof base, "https://%s", plain + strlen("http://"));
    snprintf(url, sizeof url, "%s%s", base, ACME);
    CHECK(seam_send("GET", url, 1 << 20).failure == DH_HTTP_TLS);
    result r = list_at(base, "acme", NULL);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    check_message(&r, "TLS connection failed");
}

static void refused(void) {
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", free_port());
    result r = list_at(base, "acme", NULL);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    check_message(&r, "connection refused");
}

/* The sandbox cuts the connection once the request is in. */
static void reset(void) {
    e2e_fault("{\"method\":\"GET\",\"path\":\"/access-tokens$\",\"reset\":true}");
    result r = list_at(getenv("DOCKERHUB_BASE_URL"), "acme", NULL);
    CHECK(r.code == DH_ERR_NETWORK && r.status == 0);
    check_message(&r, "reset or closed early");
    CHECK(e2e_log_count("GET " ACME "?page=1&page_size=10") == 1);
}

/* A server that accepts and reads the request, then never answers: the call's deadline ends it
 * (the transport has no time limit of its own: the deadline is the core's timer). */
static void timeout(void) {
    e2e_opts o = {.timeout_ms = 300};
    result r = list_at(getenv("DH_E2E_HOSTILE_URL"), "stall", &o);
    CHECK(r.code == DH_ERR_TIMEOUT && r.status == 0);
    check_message(&r, "did not answer in time");
}

/* A port whose accept queue is full (listen backlog 0, filled by connections nobody accepts):
 * the kernel drops the next connection's SYN, so it never opens. Past connect_timeout_ms the
 * transport reports DH_HTTP_TIMEOUT, and a list tries again before it gives up. */
static void connect_timeout(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0), fillers[3];
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
          getsockname(s, (struct sockaddr *)&a, &len) == 0);
    CHECK(listen(s, 0) == 0);
    for (int i = 0; i < 3; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        (void)connect(fillers[i], (struct sockaddr *)&a,
                      sizeof a); /* EINPROGRESS once the queue is full */
    }
    char base[64], url[128];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", ntohs(a.sin_port));
    snprintf(url, sizeof url, "%s%s", base, ACME);
    dh_curl_options quick = {.connect_timeout_ms = 200};
    CHECK(seam_send_with(&quick, "GET", url, 1 << 20).failure == DH_HTTP_TIMEOUT);

    e2e_opts o = {.connect_timeout_ms = 200, .max_retries = 1};
    result r = list_at(base, "acme", &o);
    CHECK(r.code == DH_ERR_TIMEOUT && r.status == 0);
    check_message(&r, "did not answer in time");
    for (int i = 0; i < 3; i++) close(fillers[i]);
    close(s);
}

TEST_GROUP(transport_kind_tests) = {
    {"dns", dns},
    {"tls_certificate_not_trusted", tls_certificate_not_trusted},
    {"tls_to_a_plain_http_port", tls_to_a_plain_http_port},
    {"refused", refused},
    {"reset", reset},
    {"timeout", timeout},
    {"connect_timeout", connect_timeout},
    END_GROUP,
};

/* ---- hostile header blocks (the launcher's raw TCP server) ---- */

static char seen_headers[4096];
static void keep_headers(const dh_reply *r, void *user) {
    size_t at = 0;
    seen_headers[0] = '\0';
    for (size_t i = 0; i < r->header_count && at < sizeof seen_headers; i++) {
        int n = snprintf(seen_headers + at, sizeof seen_headers - at, "%s=%s|", r->headers[i].name,
                         r->headers[i].value);
        if (n > 0) at += (size_t)n;
    }
    e2e_on_reply(r, user);
}

static result hostile_list(const char *route) {
    e2e_opts o = {.base_url = getenv("DH_E2E_HOSTILE_URL"), .bearer = "e2e.hostile.jwt"};
    result r = {0};
    e2e t;
    seen_headers[0] = '\0';
    if (!e2e_open(&t, &o)) return r;
    CHECK(dh_list_tokens(t.cl, route, NULL, keep_headers, &r) == DH_OK);
    e2e_wait(&t, &r);
    e2e_close(&t);
    return r;
}

static seam_result hostile_seam(const char *route) {
    char url[256];
    snprintf(url, sizeof url, "%s/v2/orgs/%s/access-tokens", getenv("DH_E2E_HOSTILE_URL"), route);
    return seam_send("GET", url, 1 << 20);
}

/* 300 KiB of header lines, each of them short: the block's limit, said as such (not as a body). */
static void block_over_the_limit(void) {
    CHECK(hostile_seam("bigblock").failure == DH_HTTP_HEADERS_TOO_LARGE);
    result r = hostile_list("bigblock");
    CHECK(r.code == DH_ERR_INVALID_RESPONSE && r.status == 0);
    check_message(&r, "response headers are larger than");
    CHECK(strstr(r.message, "body") == NULL);
}

/* One 200 KB line: libcurl turns it down (its limit is 100 KiB a line), and that is said too,
 * not "connection refused". */
static void line_over_libcurls_limit(void) {
    CHECK(hostile_seam("bigline").failure == DH_HTTP_HEADERS_TOO_LARGE);
    result r = hostile_list("bigline");
    CHECK(r.code == DH_ERR_INVALID_RESPONSE && r.status == 0);
    check_message(&r, "response headers are larger than");
    CHECK(strstr(r.message, "refused") == NULL);
}

/* An obs-fold continues the header before it (RFC 9112: replaced by a space). */
static void folded_line_continues_its_header(void) {
    result r = hostile_list("folded");
    CHECK(r.code == DH_OK && r.status == 200 && r.total == 0);
    CHECK(strstr(seen_headers, "x-folded=first second third|") != NULL);
    CHECK(strstr(seen_headers, "x-after=1|") != NULL);
    CHECK(strstr(seen_headers, "|second") == NULL && strstr(seen_headers, "|third") == NULL);
    if (r.code != DH_OK || !strstr(seen_headers, "x-folded=first second third|"))
        fprintf(stderr, "   headers: %s\n", seen_headers);
}

/* A fold before any header has nothing to continue: RFC 9112 lets a client drop the line or
 * refuse the answer. libcurl 7.x refuses it, and then it is said to be invalid, not "refused". */
static void fold_before_any_header(void) {
    result r = hostile_list("leadfold");
    CHECK(strstr(seen_headers, "x-hidden") == NULL);
    if (r.code == DH_OK) {
        CHECK(strstr(seen_headers, "x-after=1|") != NULL);
    } else {
        CHECK(r.code == DH_ERR_INVALID_RESPONSE && r.status == 0);
        check_message(&r, "not valid HTTP");
    }
}

/* A chunked body's trailers come after the answer was made: never its headers (a trailer could
 * otherwise set X-RateLimit-Reset, or anything, after the fact). */
static void trailers_are_not_headers(void) {
    result r = hostile_list("trailers");
    CHECK(r.code == DH_OK && r.status == 200 && r.total == 0);
    CHECK(strstr(seen_headers, "content-type=application/json|") != NULL);
    CHECK(strstr(seen_headers, "x-trailer=") == NULL &&
          strstr(seen_headers, "x-ratelimit-reset=") == NULL);
}

TEST_GROUP(header_tests) = {
    {"block_over_the_limit", block_over_the_limit},
    {"line_over_libcurls_limit", line_over_libcurls_limit},
    {"folded_line_continues_its_header", folded_line_continues_its_header},
    {"fold_before_any_header", fold_before_any_header},
    {"trailers_are_not_headers", trailers_are_not_headers},
    END_GROUP,
};

/* ---- the environment ---- */

static const char *const proxy_vars[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                                         "HTTPS_PROXY", "all_proxy",  "ALL_PROXY"};

/* Every proxy variable points at the launcher's recording proxy; no_proxy is gone. */
static void proxy_everywhere(void) {
    for (size_t i = 0; i < sizeof proxy_vars / sizeof *proxy_vars; i++)
        setenv(proxy_vars[i], getenv("DH_E2E_PROXY_URL"), 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
}

static void proxy_nowhere(void) {
    for (size_t i = 0; i < sizeof proxy_vars / sizeof *proxy_vars; i++) unsetenv(proxy_vars[i]);
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
}

/* The case: a sign-in (the owner's password in its body) over http, and a call over
 * https, with the proxy variables set. The proxy receives nothing; the sandbox gets them all. */
static void env_proxy_gets_nothing_by_default(void) {
    proxy_everywhere();
    e2e t;
    result r = {0};
    if (e2e_open(&t, NULL)) {
        CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, &r) == DH_OK);
        e2e_wait(&t, &r);
        CHECK(r.code == DH_OK && r.status == 200);
        e2e_close(&t);
    }
    e2e_opts tls = {.base_url = getenv("DH_E2E_TLS_URL"), .ca_file = getenv("DH_E2E_TLS_CA")};
    if (e2e_open(&t, &tls)) {
        r = (result){0};
        CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, &r) == DH_OK);
        e2e_wait(&t, &r);
        CHECK(r.code == DH_OK && r.status == 200);
        e2e_close(&t);
    }
    CHECK_STR(e2e_ctl("{\"op\":\"proxied\"}"), "");
    CHECK(e2e_log_count("POST /v2/auth/token") == 2);
    proxy_nowhere();
}

/* proxy_from_env: the environment's proxy is used, as the curl tool would. */
static void env_proxy_taken_when_asked(void) {
    proxy_everywhere();
    e2e_opts o = {.proxy_from_env = 1};
    e2e t;
    result r = {0};
    if (e2e_open(&t, &o)) {
        CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, &r) == DH_OK);
        e2e_wait(&t, &r);
        CHECK(r.code != DH_OK); /* the proxy answers 502 to everything */
        e2e_close(&t);
    }
    char want[256];
    snprintf(want, sizeof want, "POST %s/v2/auth/token", getenv("DOCKERHUB_BASE_URL"));
    CHECK_STR(e2e_ctl("{\"op\":\"proxied\"}"), want);
    CHECK_STR(e2e_log(), "");
    proxy_nowhere();
}

/* An explicit proxy is used for every request, NO_PROXY from the environment not read. */
static void explicit_proxy(void) {
    proxy_nowhere(); /* no_proxy=127.0.0.1 would spare the sandbox */
    e2e_opts o = {.base_url = getenv("DH_E2E_TLS_URL"),
                  .ca_file = getenv("DH_E2E_TLS_CA"),
                  .proxy = getenv("DH_E2E_PROXY_URL")};
    e2e t;
    result r = {0};
    if (e2e_open(&t, &o)) {
        CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, &r) == DH_OK);
        e2e_wait(&t, &r);
        CHECK(r.code != DH_OK);
        e2e_close(&t);
    }
    char want[256];
    snprintf(want, sizeof want, "CONNECT %s", getenv("DH_E2E_TLS_URL") + strlen("https://"));
    CHECK_STR(e2e_ctl("{\"op\":\"proxied\"}"), want);
    CHECK_STR(e2e_log(), "");
}

/* The size of `path`, -1 when there is no such file. */
static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void tls_list_with(int allow_keylog, result *r) {
    e2e_opts o = {.base_url = getenv("DH_E2E_TLS_URL"),
                  .ca_file = getenv("DH_E2E_TLS_CA"),
                  .allow_ssl_keylog = allow_keylog};
    e2e t;
    *r = (result){0};
    if (!e2e_open(&t, &o)) return;
    CHECK(dh_list_tokens(t.cl, "acme", NULL, e2e_on_reply, r) == DH_OK);
    e2e_wait(&t, r);
    e2e_close(&t); /* the last loop: libcurl's global state goes, SSLKEYLOGFILE is read anew */
}

/* SSLKEYLOGFILE set: by default no TLS secret reaches it; allow_ssl_keylog writes them (so the
 * same set-up would have written them). */
static void ssl_keylog_neutralised_by_default(void) {
    char path[] = "/tmp/dh-e2e-keylog-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    setenv("SSLKEYLOGFILE", path, 1);
    result r;
    tls_list_with(0, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK(file_size(path) == 0);
    tls_list_with(1, &r);
    CHECK(r.code == DH_OK && r.status == 200);
    CHECK(file_size(path) > 0); /* CLIENT_HANDSHAKE_TRAFFIC_SECRET ... lines */
    unsetenv("SSLKEYLOGFILE");
    unlink(path);
}

TEST_GROUP(environment_tests) = {
    {"env_proxy_gets_nothing_by_default", env_proxy_gets_nothing_by_default},
    {"env_proxy_taken_when_asked", env_proxy_taken_when_asked},
    {"explicit_proxy", explicit_proxy},
    {"ssl_keylog_neutralised_by_default", ssl_keylog_neutralised_by_default},
    END_GROUP,
};
