/* Retries, deadlines, sign-in renewal, cancellation and pagination, on a fake clock. One file of
 * 700 lines: each test reads alone, and they share one scripted client set-up. */
#include <stdlib.h>

#include "internal.h"
#include "scripted_transport.h"
#include "test.h"

static dh_client *make(scripted *st, dh_config cfg) {
    cfg.base_url = "http://127.0.0.1:9";
    cfg.transport = st_transport(st);
    const char *err = NULL;
    dh_client *c = dh_client_new(&cfg, &err);
    if (!c) fprintf(stderr, "dh_client_new: %s\n", err);
    CHECK(c != NULL);
    return c;
}

static const char *tok = "{\"id\":\"t1\",\"label\":\"ci\"}";

static void backoff_schedule(void) {
    scripted st = {.random = 1.0};
    dh_client *c = make(
        &st,
        (dh_config){.bearer = "j", .max_retries = 3, .retry_base_ms = 100, .retry_cap_ms = 300});
    seen s = {0};
    dh_get_token(c, "acme", "t1", record, &s);
    double expect_waits[] = {100, 200, 300}; /* base * 2^n, capped */
    for (int i = 0; i < 3; i++) {
        st_respond(&st, i, 503, NULL, "busy");
        st_advance(&st, expect_waits[i] - 1);
        CHECK(st.count == i + 1);
        st_advance(&st, 1);
        CHECK(st.count == i + 2);
    }
    st_respond(&st, 3, 503, NULL, "busy"); /* retries used up */
    CHECK(s.calls == 1 && s.code == DH_ERR_SERVER_ERROR);
    CHECK(dh_backoff_ms(0, 100, 300, 0.5) == 50);
    CHECK(dh_backoff_ms(10, 100, 300, 0.0) == 0);
    CHECK(dh_backoff_ms(40, 500, 20000, 1.0) == 20000);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

static void retry_after_forms(void) {
    /* Every style Docker Hub has answered a 429 with; each means "2 s from now". */
    const char *headers[] = {
        "Retry-After: 2\r\n", "Retry-After: Fri, 15 Jan 2027 08:00:02 GMT\r\n",
        "X-Retry-After: 1800000002\r\n",
        "Retry-After: 1800000002\r\nX-RateLimit-Reset: 1800000002\r\n",
        "X-RateLimit-Limit: 180\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1800000002\r\n"};
    for (int k = 0; k < 5; k++) {
        scripted st = {.random = 1.0}; /* unix time 1800000000: the date above is 2 s later */
        dh_client *c = make(&st, (dh_config){.bearer = "j", .max_retries = 2});
        seen s = {0};
        dh_get_token(c, "acme", "t1", record, &s);
        st_respond(&st, 0, 429, headers[k], "{\"detail\":\"Rate limit exceeded\"}");
        st_advance(&st, 1999);
        CHECK(st.count == 1);
        st_advance(&st, 1);
        CHECK(st.count == 2);
        st_respond(&st, 1, 200, NULL, tok);
        CHECK(s.calls == 1 && s.code == DH_OK);
        dh_client_free(c);
        st_free(&st);
    }
}

/* A wait the server asks for that ends after the call's deadline fails at once, with the wait. */
static void retry_after_past_deadline(void) {
    const char *headers[] = {"Retry-After: 1800003600\r\n", "X-RateLimit-Reset: 1800003600\r\n",
                             "Retry-After: 3600\r\n"};
    for (int k = 0; k < 3; k++) {
        scripted st = {.random = 1.0};
        dh_client *c = make(&st, (dh_config){.bearer = "j", .max_retries = 3, .timeout_ms = 5000});
        seen s = {0};
        dh_get_token(c, "acme", "t1", record, &s);
        st_respond(&st, 0, 429, headers[k], "{\"detail\":\"Rate limit exceeded\"}");
        CHECK(s.calls == 1 && s.code == DH_ERR_RATE_LIMITED && s.retry_after == 3600);
        CHECK(st.count == 1 && st_timers_armed(&st) == 0);
        dh_client_free(c);
        st_free(&st);
    }
}

typedef struct rule {
    int op;     /* 0 get, 1 create, 2 update, 3 delete */
    int status; /* 0: a transport failure */
    dh_http_failure failure;
    int retried;
} rule;

static void start_op(dh_client *c, int op, seen *s) {
    static const char *scopes[] = {"scope-image-pull"};
    static const dh_resource r = {"TYPE_REPO", "acme/api", scopes, 1};
    switch (op) {
    case 0: dh_get_token(c, "acme", "t1", record, s); break;
    case 1:
        dh_create_token(c, "acme",
                        &(dh_create_request){.label = "x", .resources = &r, .resource_count = 1},
                        record, s);
        break;
    case 2:
        dh_update_token(c, "acme", "t1", &(dh_update_request){.is_active = 1}, record, s);
        break;
    default: dh_delete_token(c, "acme", "t1", record, s); break;
    }
}

static void retry_rules(void) {
    const rule rules[] = {
        {0, 429, 0, 1},
        {0, 502, 0, 1},
        {0, 503, 0, 1},
        {0, 504, 0, 1},
        {0, 500, 0, 0},
        {0, 400, 0, 0},
        {0, 404, 0, 0},
        {0, 409, 0, 0},
        {0, 0, DH_HTTP_NETWORK, 1},
        {0, 0, DH_HTTP_REFUSED, 1},
        {1, 429, 0, 1},
        {1, 503, 0, 0},
        {1, 502, 0, 0},
        {1, 504, 0, 0},
        {1, 0, DH_HTTP_NETWORK, 0},
        {1, 0, DH_HTTP_TIMEOUT, 0},
        {1, 0, DH_HTTP_REFUSED, 1},
        {1, 400, 0, 0},
        {2, 503, 0, 1},
        {2, 0, DH_HTTP_NETWORK, 1},
        {2, 403, 0, 0},
        {3, 504, 0, 1},
        {3, 404, 0, 0},
        {0, 0, DH_HTTP_TOO_LARGE, 0},
        /* A permission, a policy, a certificate, a redirect: the same again each time. */
        {0, 0, DH_HTTP_DENIED, 0},
        {1, 0, DH_HTTP_DENIED, 0},
        {3, 0, DH_HTTP_DENIED, 0},
        {0, 0, DH_HTTP_BLOCKED, 0},
        {1, 0, DH_HTTP_BLOCKED, 0},
        {0, 0, DH_HTTP_TLS, 0},
        {1, 0, DH_HTTP_TLS, 0},
        {0, 0, DH_HTTP_REDIRECTED, 0},
        {1, 0, DH_HTTP_REDIRECTED, 0},
        /* Nothing was sent when a name did not resolve; a reset may come after the server acted. */
        {0, 0, DH_HTTP_DNS, 1},
        {1, 0, DH_HTTP_DNS, 1},
        {0, 0, DH_HTTP_RESET, 1},
        {1, 0, DH_HTTP_RESET, 0},
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        scripted st = {.random = 0.0};
        dh_client *c = make(&st, (dh_config){.bearer = "j", .max_retries = 1});
        seen s = {0};
        start_op(c, rules[i].op, &s);
        if (rules[i].status) st_respond(&st, 0, rules[i].status, NULL, "{}");
        else st_fail(&st, 0, rules[i].failure);
        st_advance(&st, 0);
        int retried = st.count == 2;
        if (retried != rules[i].retried)
            fprintf(stderr, "rule %zu (op %d status %d failure %d): retried=%d\n", i, rules[i].op,
                    rules[i].status, rules[i].failure, retried);
        CHECK(retried == rules[i].retried);
        CHECK(s.calls == !retried);
        if (rules[i].op == 1 &&
            (rules[i].failure == DH_HTTP_NETWORK || rules[i].failure == DH_HTTP_TIMEOUT)) {
            CHECK(s.maybe_created == 1);
            CHECK(s.code ==
                  (rules[i].failure == DH_HTTP_TIMEOUT ? DH_ERR_TIMEOUT : DH_ERR_NETWORK));
        }
        if (rules[i].failure == DH_HTTP_TOO_LARGE) CHECK(s.code == DH_ERR_INVALID_RESPONSE);
        if (rules[i].failure == DH_HTTP_REDIRECTED) CHECK(s.code == DH_ERR_UNEXPECTED_STATUS);
        if (rules[i].failure == DH_HTTP_RESET && rules[i].op == 1) CHECK(s.maybe_created == 1);
        if (rules[i].failure == DH_HTTP_DENIED || rules[i].failure == DH_HTTP_TLS)
            CHECK(s.code == DH_ERR_NETWORK && !s.maybe_created);
        dh_client_free(c);
        st_free(&st);
    }
}

static void deadline_bounds_everything(void) {
    scripted st = {.random = 1.0};
    dh_client *c = make(&st, (dh_config){.bearer = "j", .timeout_ms = 1000, .max_retries = 3});
    seen s = {0};
    dh_get_token(c, "acme", "t1", record, &s);
    st_advance(&st, 999);
    CHECK(s.calls == 0);
    st_advance(&st, 1);
    CHECK(s.calls == 1 && s.code == DH_ERR_TIMEOUT && s.status == 0);
    CHECK(st.req[0].state == 2); /* the request was stopped */

    /* A create that times out in flight may exist: the error says so. */
    seen s2 = {0};
    start_op(c, 1, &s2);
    st_advance(&st, 1000);
    CHECK(s2.code == DH_ERR_TIMEOUT && s2.maybe_created == 1);

    /* A wait the deadline cannot hold is not started: the error comes at once. */
    seen s3 = {0};
    dh_get_token(c, "acme", "t1", record, &s3);
    st_respond(&st, 2, 503, "Retry-After: 5\r\n", "busy");
    CHECK(s3.calls == 1 && s3.code == DH_ERR_SERVER_ERROR && s3.retry_after == 5);

    /* Retries share the one deadline. */
    seen s4 = {0};
    dh_get_token(c, "acme", "t1", record, &s4);
    st_respond(&st, 3, 503, "Retry-After: 0\r\n", "busy");
    st_advance(&st, 600);
    CHECK(st.count == 5);
    st_advance(&st, 400);
    CHECK(s4.calls == 1 && s4.code == DH_ERR_TIMEOUT);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

static void b64url(const char *in, char *out) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)(unsigned char)in[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)in[i + 2];
        out[o++] = tbl[(v >> 18) & 63];
        out[o++] = tbl[(v >> 12) & 63];
        if (i + 1 < n) out[o++] = tbl[(v >> 6) & 63];
        if (i + 2 < n) out[o++] = tbl[v & 63];
    }
    out[o] = '\0';
}

static void make_jwt(int64_t exp, char *out) {
    char payload[64], enc[128];
    snprintf(payload, sizeof payload, "{\"sub\":\"acme-owner\",\"exp\":%lld}", (long long)exp);
    b64url(payload, enc);
    sprintf(out, "eyJhbGciOiJIUzI1NiJ9.%s.c2ln", enc);
}

static void jwt_exp_reader(void) {
    char jwt[256];
    make_jwt(1800000600, jwt);
    CHECK(dh_jwt_exp(jwt) == 1800000600);
    CHECK(dh_jwt_exp("a.b.c") == -1);
    CHECK(dh_jwt_exp("nodots") == -1);
    CHECK(dh_jwt_exp("a..c") == -1);
    CHECK(dh_jwt_exp("a.eyJleHAiOiJzb29uIn0.c") == -1); /* {"exp":"soon"} */
    CHECK(dh_jwt_exp(NULL) == -1);
}

static void renewal_moment(void) {
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.identifier = "acme-owner", .secret = "pw"});
    char jwt[256], body[300];
    make_jwt(1800000600, jwt); /* the clock starts at unix 1800000000 */
    snprintf(body, sizeof body, "{\"access_token\":\"%s\"}", jwt);
    seen s = {0};
    dh_get_token(c, "acme", "t1", record, &s);
    st_respond(&st, 0, 200, NULL, body);
    st_respond(&st, 1, 200, NULL, tok);
    st.now = 539 * 1000.0; /* 61 s before exp: the JWT is still used */
    dh_get_token(c, "acme", "t1", record, &s);
    CHECK(st.count == 3 && strstr(st.req[2].url, "/access-tokens/t1"));
    st_respond(&st, 2, 200, NULL, tok);
    st.now = 540 * 1000.0; /* 60 s before exp: renewed first */
    make_jwt(1800001200, jwt);
    snprintf(body, sizeof body, "{\"access_token\":\"%s\"}", jwt);
    dh_get_token(c, "acme", "t1", record, &s);
    dh_get_token(c, "acme", "t1", record, &s);
    CHECK(st.count == 4 && strstr(st.req[3].url, "/v2/auth/token")); /* one renewal for both */
    st_respond(&st, 3, 200, NULL, body);
    CHECK(st.count == 6);
    st_respond(&st, 4, 200, NULL, tok);
    st_respond(&st, 5, 200, NULL, tok);
    CHECK(s.calls == 4 && s.code == DH_OK);
    dh_client_free(c);
    st_free(&st);
}

/* A JWT that lives less than the renewal margin is used all the same, once per sign-in. */
static void short_lived_jwt(void) {
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.identifier = "acme-owner", .secret = "pw"});
    char jwt[256], body[300];
    make_jwt(1800000030, jwt); /* 30 s: inside the margin from the start */
    snprintf(body, sizeof body, "{\"access_token\":\"%s\"}", jwt);
    seen s = {0};
    dh_get_token(c, "acme", "t1", record, &s);
    st_respond(&st, 0, 200, NULL, body);
    CHECK(st.count == 2 && strstr(st.req[1].url, "/access-tokens/t1"));
    st_respond(&st, 1, 200, "WWW-Authenticate: Bearer token=\"eyJhbGciOiJIUzI1NiJ9\"\r\n", tok);
    CHECK(s.calls == 1 && s.code == DH_OK);
    dh_get_token(c, "acme", "t1", record, &s); /* the next call signs in again */
    CHECK(st.count == 3 && strstr(st.req[2].url, "/v2/auth/token"));
    st_respond(&st, 2, 200, NULL, body);
    st_respond(&st, 3, 200, NULL, tok);
    CHECK(s.calls == 2 && s.code == DH_OK);
    dh_client_free(c);
    st_free(&st);
}

static void record_message(const dh_reply *r, void *user) {
    char *out = user;
    snprintf(out, 512, "%s", r->error ? r->error->message : "ok");
}

/* An OAT signs in, then gets 403 (or 401, after one more sign-in) on the access-token routes:
 * the message says an OAT cannot manage OATs and what to use, and keeps Docker Hub's words. */
static void oat_cannot_manage_oats(void) {
    const char *oat = "dckr_oat_7awgM4jG5SQvxcvmNzhKj8PQjxo";
    for (int status = 401; status <= 403; status += 2) {
        scripted st = {0};
        dh_client *c = make(&st, (dh_config){.identifier = "acme", .secret = oat});
        char msg[512] = "";
        dh_list_tokens(c, "acme", NULL, record_message, msg);
        st_respond(&st, 0, 200, NULL, "{\"access_token\":\"jwt.one\"}");
        st_respond(&st, 1, status, NULL, "{\"message\":\"forbidden\",\"errinfo\":{}}");
        if (status == 401) { /* a 401 signs in once more first */
            st_respond(&st, 2, 200, NULL, "{\"access_token\":\"jwt.two\"}");
            st_respond(&st, 3, 401, NULL, "{\"message\":\"forbidden\",\"errinfo\":{}}");
        }
        CHECK(strstr(msg, "cannot manage organization access tokens") != NULL);
        CHECK(
            strstr(
                msg,
                "sign in as an organization owner, with a personal access token or the owner's own credentials") !=
            NULL);
        CHECK(strstr(msg, "(Docker Hub said: forbidden)") != NULL);
        CHECK(strstr(msg, "7awgM4jG") == NULL);
        dh_client_free(c);
        st_free(&st);
    }
    /* The OAT handed over as the bearer itself, and an OAT refused at sign-in: the same words. */
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.bearer = oat});
    char msg[512] = "";
    dh_get_token(c, "acme", "t1", record_message, msg);
    st_respond(&st, 0, 401, NULL, "{\"message\":\"invalid token\"}");
    CHECK(strstr(msg, "cannot manage organization access tokens") != NULL);
    dh_client_free(c);
    st_free(&st);
    c = make(&st, (dh_config){.identifier = "acme-owner", .secret = oat});
    dh_get_token(c, "acme", "t1", record_message, msg);
    st_respond(&st, 0, 401, NULL, "{\"message\":\"bad credentials\"}");
    CHECK(strstr(msg, "cannot manage organization access tokens") &&
          strstr(msg, "bad credentials"));
    dh_client_free(c);
    st_free(&st);
    /* A password or PAT refused: Docker Hub's words alone. */
    c = make(&st, (dh_config){.identifier = "acme-owner", .secret = "dckr_pat_abcdefghijkl"});
    dh_get_token(c, "acme", "t1", record_message, msg);
    st_respond(&st, 0, 200, NULL, "{\"access_token\":\"jwt.one\"}");
    st_respond(&st, 1, 403, NULL, "{\"message\":\"forbidden\"}");
    CHECK_STR(msg, "forbidden");
    dh_client_free(c);
    st_free(&st);
}

/* Each failure's message names the host's reason. */
static void failure_messages(void) {
    const struct {
        dh_http_failure f;
        const char *words;
    } cases[] = {
        {DH_HTTP_REFUSED, "connection refused"},
        {DH_HTTP_DENIED, "denied this program the permission"},
        {DH_HTTP_BLOCKED, "blocked the connection"},
        {DH_HTTP_DNS, "did not resolve (DNS)"},
        {DH_HTTP_TLS, "TLS connection failed"},
        {DH_HTTP_RESET, "was reset"},
        {DH_HTTP_REDIRECTED, "came from another URL"},
        {DH_HTTP_NETWORK, "reset or lost"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        scripted st = {0};
        dh_client *c = make(&st, (dh_config){.bearer = "j", .max_retries = 0});
        char msg[512] = "";
        dh_get_token(c, "acme", "t1", record_message, msg);
        st_fail(&st, 0, cases[i].f);
        if (!strstr(msg, cases[i].words)) fprintf(stderr, "failure %d: %s\n", cases[i].f, msg);
        CHECK(strstr(msg, cases[i].words) != NULL);
        dh_client_free(c);
        st_free(&st);
    }
}

static void reauth_once_after_401(void) {
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.identifier = "acme-owner", .secret = "pw"});
    seen s = {0};
    dh_get_token(c, "acme", "t1", record, &s);
    st_respond(&st, 0, 200, NULL, "{\"access_token\":\"jwt.one\"}");
    st_respond(&st, 1, 401, NULL, "{\"message\":\"token expired\"}");
    CHECK(st.count == 3 && strstr(st.req[2].url, "/v2/auth/token"));
    st_respond(&st, 2, 200, NULL, "{\"access_token\":\"jwt.two\"}");
    CHECK_STR(st_header(&st, 3, "Authorization"), "Bearer jwt.two");
    st_respond(&st, 3, 200, NULL, tok);
    CHECK(s.calls == 1 && s.code == DH_OK);

    seen s2 = {0};
    dh_get_token(c, "acme", "t1", record, &s2);
    st_respond(&st, 4, 401, NULL, "{\"message\":\"no\"}");
    st_respond(&st, 5, 200, NULL, "{\"access_token\":\"jwt.three\"}");
    st_respond(&st, 6, 401, NULL, "{\"message\":\"still no\"}");
    CHECK(st.count == 7); /* once only */
    CHECK(s2.calls == 1 && s2.code == DH_ERR_UNAUTHORIZED);
    dh_client_free(c);
    st_free(&st);
}

typedef struct provider_state {
    int asked;
    dh_client *client;
    const char *answer;
} provider_state;

static void provider(void *ctx, dh_client *client) {
    provider_state *p = ctx;
    p->asked++;
    p->client = client;
}

static void token_provider(void) {
    scripted st = {0};
    provider_state p = {0};
    dh_client *c = make(&st, (dh_config){.token_provider = provider, .token_provider_ctx = &p});
    seen s = {0};
    dh_get_token(c, "acme", "t1", record, &s);
    dh_get_token(c, "acme", "t1", record, &s);
    CHECK(p.asked == 1 && st.count == 0);
    dh_client_token_ready(c, "jwt.p1", NULL);
    CHECK(st.count == 2);
    st_respond(&st, 0, 401, NULL, "{\"message\":\"expired\"}");
    CHECK(p.asked == 2); /* asked again after a 401 */
    dh_client_token_ready(c, "jwt.p2", NULL);
    CHECK_STR(st_header(&st, 2, "Authorization"), "Bearer jwt.p2");
    st_respond(&st, 1, 200, NULL, tok); /* sent with p1, answered fine */
    st_respond(&st, 2, 200, NULL, tok);
    CHECK(s.calls == 2 && s.code == DH_OK);
    seen s2 = {0};

    dh_client_set_bearer(c, NULL);
    dh_get_token(c, "acme", "t1", record, &s2);
    CHECK(p.asked == 3);
    dh_client_token_ready(c, NULL, "the token function failed");
    CHECK(s2.calls == 1 && s2.code == DH_ERR_UNAUTHORIZED);
    dh_client_token_ready(c, "late", NULL); /* nothing asked: ignored */
    dh_client_free(c);
    st_free(&st);
}

static void cancel_calls(void) {
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.bearer = "j"});
    seen a = {0}, b = {0};
    dh_get_token(c, "acme", "t1", record, &a);
    dh_get_token(c, "acme", "t2", record, &b);
    CHECK(dh_cancel(c, &a) == 1);
    CHECK(a.calls == 1 && a.code == DH_ERR_ABORTED);
    CHECK(st.req[0].state == 2);
    CHECK(b.calls == 0);
    CHECK(dh_cancel(c, &a) == 0);
    st_respond(&st, 1, 200, NULL, tok);
    CHECK(b.calls == 1 && b.code == DH_OK);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

static void next_page_numbers(void) {
    CHECK(dh_next_page_number(
              "https://hub.docker.com/v2/orgs/acme/access-tokens?page=2&page_size=10") == 2);
    CHECK(dh_next_page_number("http://evil:1/x?page_size=10&page=7") == 7);
    CHECK(dh_next_page_number("/x?page=3#frag") == 3);
    CHECK(dh_next_page_number("/x?page=0") == 0);
    CHECK(dh_next_page_number("/x?page=-1") == 0);
    CHECK(dh_next_page_number("/x?page=2x") == 0);
    CHECK(dh_next_page_number("/x?page=999999999999") == 0);
    CHECK(dh_next_page_number("/x?npage=2") == 0);
    CHECK(dh_next_page_number("/x") == 0);
    CHECK(dh_next_page_number(NULL) == 0);
}

static char *page_body(int total, const char *next, int items) {
    static char body[4096];
    int n =
        snprintf(body, sizeof body, "{\"total\":%d,\"next\":%s%s%s,\"previous\":null,\"results\":[",
                 total, next ? "\"" : "", next ? next : "null", next ? "\"" : "");
    for (int i = 0; i < items; i++)
        n += snprintf(body + n, sizeof body - (size_t)n, "%s{\"id\":\"t%d\"}", i ? "," : "", i);
    snprintf(body + n, sizeof body - (size_t)n, "]}");
    return body;
}

static void pagination_guards(void) {
    /* Pages go to the base URL; the page number comes from next, whatever its host. */
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.bearer = "j"});
    seen s = {0};
    CHECK(dh_list_all_tokens(c, "acme", 1, record, &s) == DH_OK);
    st_respond(
        &st, 0, 200, NULL,
        page_body(3, "http://127.0.0.2:666/v2/orgs/acme/access-tokens?page=2&page_size=1", 1));
    CHECK(s.pages == 1 && s.more == 1 && st.count == 1);
    CHECK(dh_list_all_next(c, &s) == DH_OK);
    CHECK_STR(st.req[1].url, "http://127.0.0.1:9/v2/orgs/acme/access-tokens?page=2&page_size=1");
    /* A next that points back at a page already seen ends it. */
    st_respond(&st, 1, 200, NULL, page_body(3, "http://x/?page=1", 1));
    CHECK(s.pages == 2 && s.more == 0 && st.count == 2 && s.calls == 2);

    /* ceil(total / page_size) pages at most, whatever next says. */
    seen s2 = {0};
    dh_list_all_tokens(c, "acme", 2, record, &s2);
    st_respond(&st, 2, 200, NULL, page_body(3, "/x?page=2", 2));
    dh_list_all_next(c, &s2);
    st_respond(&st, 3, 200, NULL, page_body(3, "/x?page=3", 1));
    CHECK(s2.pages == 2 && s2.more == 0 && st.count == 4 && s2.items == 3);

    /* An empty page ends it; so does a null next. */
    seen s3 = {0};
    dh_list_all_tokens(c, "acme", 10, record, &s3);
    st_respond(&st, 4, 200, NULL, page_body(50, "/x?page=2", 0));
    CHECK(s3.pages == 1 && s3.more == 0 && st.count == 5);
    seen s4 = {0};
    dh_list_all_tokens(c, "acme", 10, record, &s4);
    st_respond(&st, 5, 200, NULL, page_body(50, NULL, 10));
    CHECK(s4.pages == 1 && s4.more == 0 && st.count == 6);

    /* An error on a later page ends it with that error. */
    seen s5 = {0};
    dh_list_all_tokens(c, "acme", 1, record, &s5);
    st_respond(&st, 6, 200, NULL, page_body(2, "/x?page=2", 1));
    dh_list_all_next(c, &s5);
    st_respond(&st, 7, 404, NULL, "{\"message\":\"gone\"}");
    CHECK(s5.calls == 2 && s5.code == DH_ERR_NOT_FOUND);
    CHECK(dh_list_all_tokens(c, "acme", 0, record, &s5) == DH_ERR_INVALID_ARGUMENT);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

static dh_client *stopper_client;

static void stop_after_first(const dh_reply *r, void *user) {
    record(r, user);
    dh_cancel(stopper_client, user);
}

static void pagination_stops_from_callback(void) {
    scripted st = {0};
    dh_client *c = stopper_client = make(&st, (dh_config){.bearer = "j"});
    seen s = {0};
    dh_list_all_tokens(c, "acme", 1, stop_after_first, &s);
    st_respond(&st, 0, 200, NULL, page_body(3, "/x?page=2", 1));
    CHECK(s.calls == 1 && st.count == 1);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

/* ---- issue 11 ---- */

/* A call started from the callback of a call that a failed sign-in failed waits for a sign-in
 * of its own: the loop that settles the first sign-in's waiters does not fail it too. */
static dh_client *restart_client;
static seen restarted;

static void start_again(const dh_reply *r, void *user) {
    record(r, user);
    dh_get_token(restart_client, "acme", "t1", record, &restarted);
}

static void call_from_failed_sign_in_callback(void) {
    scripted st = {0};
    dh_client *c = restart_client = make(
        &st, (dh_config){.identifier = "acme-owner", .secret = "pw-0123456789", .max_retries = 0});
    seen first = {0};
    memset(&restarted, 0, sizeof restarted);
    dh_get_token(c, "acme", "t1", start_again, &first);
    CHECK(st.count == 1 && strstr(st.req[0].url, "/v2/auth/token"));
    st_respond(&st, 0, 401, NULL, "{\"message\":\"bad credentials\"}");
    CHECK(first.calls == 1 && first.code == DH_ERR_UNAUTHORIZED);
    CHECK(restarted.calls == 0); /* not failed by the sign-in it never waited for */
    CHECK(st.count == 2 && strstr(st.req[1].url, "/v2/auth/token")); /* its own sign-in */
    st_respond(&st, 1, 200, NULL, "{\"access_token\":\"jwt.a.b\"}");
    CHECK(st.count == 3 && strstr(st.req[2].url, "/access-tokens/t1"));
    st_respond(&st, 2, 200, NULL, tok);
    CHECK(restarted.calls == 1 && restarted.code == DH_OK);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

/* The same with a token provider whose answer is "no". */
static int provider_asks;
static void counting_provider(void *ctx, dh_client *c) {
    (void)ctx;
    (void)c;
    provider_asks++;
}

static void call_from_failed_provider_callback(void) {
    scripted st = {0};
    dh_client *c = restart_client =
        make(&st, (dh_config){.token_provider = counting_provider, .max_retries = 0});
    seen first = {0};
    memset(&restarted, 0, sizeof restarted);
    provider_asks = 0;
    dh_get_token(c, "acme", "t1", start_again, &first);
    CHECK(provider_asks == 1);
    dh_client_token_ready(c, NULL, "no token today");
    CHECK(first.calls == 1 && first.code == DH_ERR_UNAUTHORIZED);
    CHECK(restarted.calls == 0 && provider_asks == 2);
    dh_client_token_ready(c, "jwt.a.b", NULL);
    CHECK(st.count == 1);
    CHECK_STR(st_header(&st, 0, "Authorization"), "Bearer jwt.a.b");
    st_respond(&st, 0, 200, NULL, tok);
    CHECK(restarted.calls == 1 && restarted.code == DH_OK);
    dh_client_free(c);
    st_free(&st);
}

/* A DELETE whose answer was lost and whose retry finds the token gone has done what was asked. */
static void delete_after_lost_answer(void) {
    const dh_http_failure lost[] = {DH_HTTP_NETWORK, DH_HTTP_TIMEOUT};
    for (size_t i = 0; i < 3; i++) {
        scripted st = {.random = 0.0};
        dh_client *c = make(&st, (dh_config){.bearer = "j", .max_retries = 2});
        seen s = {0};
        dh_delete_token(c, "acme", "t1", record, &s);
        if (i < 2) st_fail(&st, 0, lost[i]);
        else
            st_respond(&st, 0, 502, NULL,
                       "<html>bad gateway</html>"); /* a gateway may have passed it on */
        st_advance(&st, 0);
        CHECK(st.count == 2);
        st_respond(&st, 1, 404, NULL, "{\"message\":\"Access token not found.\"}");
        CHECK(s.calls == 1 && s.code == DH_OK && s.status == 404 && s.already_deleted == 1);
        dh_client_free(c);
        st_free(&st);
    }
    /* Not after a 429 (nothing was done), nor on a first answer, nor for a GET. */
    scripted st = {.random = 0.0};
    dh_client *c = make(&st, (dh_config){.bearer = "j", .max_retries = 2});
    seen s1 = {0}, s2 = {0}, s3 = {0};
    dh_delete_token(c, "acme", "t1", record, &s1);
    st_respond(&st, 0, 429, "Retry-After: 0\r\n", "{}");
    st_advance(&st, 0);
    st_respond(&st, 1, 404, NULL, "{}");
    CHECK(s1.code == DH_ERR_NOT_FOUND && s1.already_deleted == 0);
    dh_delete_token(c, "acme", "t1", record, &s2);
    st_respond(&st, 2, 404, NULL, "{}");
    CHECK(s2.code == DH_ERR_NOT_FOUND && s2.already_deleted == 0);
    dh_get_token(c, "acme", "t1", record, &s3);
    st_fail(&st, 3, DH_HTTP_NETWORK);
    st_advance(&st, 0);
    st_respond(&st, 4, 404, NULL, "{}");
    CHECK(s3.code == DH_ERR_NOT_FOUND);
    dh_client_free(c);
    st_free(&st);
}

static char *page_no_total(const char *next, const char *id) {
    static char body[256];
    snprintf(body, sizeof body, "{\"next\":%s%s%s,\"previous\":null,\"results\":[{\"id\":\"%s\"}]}",
             next ? "\"" : "", next ? next : "null", next ? "\"" : "", id);
    return body;
}

/* A page without total: next is followed, inside the same guards. */
static void pages_without_total(void) {
    scripted st = {0};
    dh_client *c = make(&st, (dh_config){.bearer = "j"});
    seen s = {0};
    dh_list_all_tokens(c, "acme", 1, record, &s);
    st_respond(&st, 0, 200, NULL, page_no_total("/x?page=2", "a"));
    CHECK(s.pages == 1 && s.more == 1);
    CHECK(dh_list_all_next(c, &s) == DH_OK);
    st_respond(&st, 1, 200, NULL, page_no_total("/x?page=3", "b"));
    CHECK(dh_list_all_next(c, &s) == DH_OK);
    st_respond(&st, 2, 200, NULL, page_no_total("/x?page=2", "c")); /* back to a page seen */
    CHECK(s.pages == 3 && s.more == 0 && st.count == 3 && s.calls == 3);
    CHECK(dh_list_all_next(c, &s) == DH_ERR_INVALID_ARGUMENT); /* nothing left to fetch */
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

static void next_from_callback(const dh_reply *r, void *user) {
    record(r, user);
    if (r->more) CHECK(dh_list_all_next(restart_client, user) == DH_OK);
}

/* The next page is fetched only when asked for; timeout_ms bounds each page's fetch, from the
 * moment it is asked for, and the time between pages does not count. */
static void pages_on_demand(void) {
    scripted st = {.random = 0.0};
    dh_client *c = make(&st, (dh_config){.bearer = "j", .timeout_ms = 1000, .max_retries = 2});
    seen s = {0};
    dh_list_all_tokens(c, "acme", 1, record, &s);
    st_advance(&st, 900);
    st_respond(&st, 0, 200, NULL, page_body(3, "/x?page=2", 1));
    CHECK(s.pages == 1 && s.more == 1);
    st_advance(&st, 60000); /* the consumer takes its time */
    CHECK(st.count == 1 && s.calls == 1 && st_timers_armed(&st) == 0);
    CHECK(dh_list_all_next(c, &s) == DH_OK);
    CHECK(st.count == 2);
    CHECK(dh_list_all_next(c, &s) == DH_ERR_INVALID_ARGUMENT); /* one page at a time */
    st_respond(&st, 1, 503, "Retry-After: 0\r\n", "busy"); /* retried within the page's deadline */
    st_advance(&st, 500);
    CHECK(st.count == 3);
    st_advance(&st, 499);
    CHECK(s.calls == 1);
    st_advance(&st, 1); /* 1000 ms since page 2 was asked for */
    CHECK(s.calls == 2 && s.code == DH_ERR_TIMEOUT && s.more == 0);
    CHECK(st_timers_armed(&st) == 0);

    /* Asked for from inside the page's own callback, too. */
    seen s2 = {0};
    restart_client = c;
    dh_list_all_tokens(c, "acme", 1, next_from_callback, &s2);
    st_respond(&st, 3, 200, NULL, page_body(2, "/x?page=2", 1));
    CHECK(st.count == 5);
    st_respond(&st, 4, 200, NULL, page_body(2, NULL, 1));
    CHECK(s2.pages == 2 && s2.more == 0);
    /* A parked list is settled by a cancel and by the close. */
    seen s3 = {0};
    dh_list_all_tokens(c, "acme", 1, record, &s3);
    st_respond(&st, 5, 200, NULL, page_body(2, "/x?page=2", 1));
    CHECK(dh_cancel(c, &s3) == 1 && s3.calls == 2 && s3.code == DH_ERR_ABORTED);
    seen s4 = {0};
    dh_list_all_tokens(c, "acme", 1, record, &s4);
    st_respond(&st, 6, 200, NULL, page_body(2, "/x?page=2", 1));
    dh_client_free(c);
    CHECK(s4.calls == 2 && s4.code == DH_ERR_CLOSED);
    st_free(&st);
}

TEST_GROUP(resilience_tests) = {
    {"backoff_schedule", backoff_schedule},
    {"retry_after_past_deadline", retry_after_past_deadline},
    {"oat_cannot_manage_oats", oat_cannot_manage_oats},
    {"failure_messages", failure_messages},
    {"call_from_failed_sign_in_callback", call_from_failed_sign_in_callback},
    {"call_from_failed_provider_callback", call_from_failed_provider_callback},
    {"delete_after_lost_answer", delete_after_lost_answer},
    {"pages_without_total", pages_without_total},
    {"pages_on_demand", pages_on_demand},
    {"retry_after_forms", retry_after_forms},
    {"retry_rules", retry_rules},
    {"deadline_bounds_everything", deadline_bounds_everything},
    {"jwt_exp_reader", jwt_exp_reader},
    {"renewal_moment", renewal_moment},
    {"short_lived_jwt", short_lived_jwt},
    {"reauth_once_after_401", reauth_once_after_401},
    {"token_provider", token_provider},
    {"cancel_calls", cancel_calls},
    {"next_page_numbers", next_page_numbers},
    {"pagination_guards", pagination_guards},
    {"pagination_stops_from_callback", pagination_stops_from_callback},
    END_GROUP};
