#include <math.h>
#include <stdlib.h>

#include "cJSON.h"
#include "internal.h"
#include "test.h"

static const char *decode_one(const char *body, dh_token *t, dh_arena **a, cJSON **root) {
    *a = dh_arena_new();
    return dh_decode_token(body, strlen(body), *a, root, t);
}

static void full_token(void) {
    const char *body =
        "{\"id\":\"a7a5\",\"label\":\"ci\",\"description\":null,\"created_by\":\"acme-owner\","
        "\"is_active\":true,\"created_at\":\"2026-03-18T21:15:40.504110Z\",\"expires_at\":null,"
        "\"last_used_at\":\"2026-03-19T00:00:00Z\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"acme/api\","
        "\"scopes\":[\"scope-image-pull\",\"scope-image-push\"]}],\"new_field\":{\"x\":1}}";
    dh_token t;
    dh_arena *a;
    cJSON *root;
    CHECK(decode_one(body, &t, &a, &root) == NULL);
    CHECK_STR(t.id, "a7a5");
    CHECK_STR(t.label, "ci");
    CHECK(t.description == NULL);
    CHECK_STR(t.created_by, "acme-owner");
    CHECK(t.is_active == 1);
    CHECK(t.expires_at == NULL);
    CHECK_STR(t.last_used_at, "2026-03-19T00:00:00Z");
    CHECK(t.resource_count == 1);
    CHECK_STR(t.resources[0].path, "acme/api");
    CHECK(t.resources[0].scope_count == 2);
    CHECK_STR(t.resources[0].scopes[1], "scope-image-push");
    CHECK(cJSON_GetObjectItemCaseSensitive(root, "new_field") != NULL); /* unknown fields kept */
    dh_arena_free(a);                                                   /* the tree with it */
}

static void bad_tokens(void) {
    const char *bad[] = {
        "",
        "   ",
        "not json",
        "{\"id\":\"a\"",
        "[]",
        "[{\"id\":\"a\"}]",
        "\"x\"",
        "{}",
        "{\"id\":\"\"}",
        "{\"id\":5}",
        "{\"id\":null}",
        "{\"id\":\"a\",\"is_active\":\"yes\"}",
        "{\"id\":\"a\",\"label\":3}",
        "{\"id\":\"a\",\"created_at\":null}",
        "{\"id\":\"a\",\"resources\":{}}",
        "{\"id\":\"a\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"x\"}]}",
        "{\"id\":\"a\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"x\",\"scopes\":[1]}]}",
        "{\"id\":\"a\",\"id\":\"b\"}",
        "{\"id\":\"a\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"x\",\"scopes\":[],\"scopes\":5}]}",
        "{\"id\":\"a\"} trailing",
        "{\"id\":\"\xff\xfe\"}",
        "{\"id\":\"\xc0\xaf\"}",
        "{\"id\":\"\xed\xa0\x80\"}",
        "{\"id\":\"a\",\"token\":\"\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dh_token t;
        dh_arena *a;
        cJSON *root;
        const char *why = decode_one(bad[i], &t, &a, &root);
        if (!why) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(why != NULL);
        dh_arena_free(a); /* the tree with it */
    }
}

static void deep_nesting(void) {
    size_t n = 100000;
    char *body = malloc(2 * n + 1);
    memset(body, '[', n);
    memset(body + n, ']', n);
    body[2 * n] = '\0';
    dh_token t;
    dh_arena *a;
    cJSON *root;
    CHECK(decode_one(body, &t, &a, &root) != NULL);
    dh_arena_free(a); /* the tree with it */
    free(body);
}

static void pages(void) {
    const char *body =
        "{\"total\":2,\"next\":\"https://hub.docker.com/v2/orgs/acme/access-tokens?page=2&page_size=1\","
        "\"previous\":null,\"results\":[{\"id\":\"a\",\"label\":\"one\"}]}";
    dh_arena *a = dh_arena_new();
    cJSON *root;
    dh_token_page p;
    CHECK(dh_decode_page(body, strlen(body), a, &root, &p) == NULL);
    CHECK(p.total == 2);
    CHECK(p.count == 1);
    CHECK_STR(p.results[0].label, "one");
    CHECK(p.previous == NULL);
    CHECK(p.next && strstr(p.next, "page=2"));
    dh_arena_free(a); /* the tree with it */

    const char *bad[] = {"{\"total\":1}",
                         "{\"results\":{}}",
                         "{\"results\":[{}]}",
                         "{\"results\":[1]}",
                         "{\"total\":\"1\",\"results\":[]}",
                         "{\"total\":-1,\"results\":[]}",
                         "{\"total\":1.5,\"results\":[]}",
                         "{\"total\":1e400,\"results\":[]}",
                         "{\"results\":[],\"results\":[]}",
                         "{\"next\":5,\"results\":[]}",
                         "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        a = dh_arena_new();
        const char *why = dh_decode_page(bad[i], strlen(bad[i]), a, &root, &p);
        if (!why) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(why != NULL);
        dh_arena_free(a); /* the tree with it */
    }
    a = dh_arena_new();
    CHECK(dh_decode_page("{\"results\":[]}", 14, a, &root, &p) == NULL);
    CHECK(p.total == -1 && p.count == 0); /* no total: unknown, not the page's count */
    dh_arena_free(a);                     /* the tree with it */
}

/* The ASCII fast path reads 8 bytes at a time: a bad byte at any offset, in any lane, is found. */
static void utf8_at_every_offset(void) {
    char body[64];
    for (size_t at = 0; at < 40; at++) {
        const char *bytes[] = {"\x80", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc3\xa9"};
        for (size_t k = 0; k < sizeof bytes / sizeof *bytes; k++) {
            size_t n = strlen(bytes[k]);
            memset(body, 'a', sizeof body);
            memcpy(body, "{\"id\":\"", 7);
            memcpy(body + 7 + at, bytes[k], n);
            memcpy(body + 50, "\"}", 3);
            dh_token t;
            dh_arena *a;
            cJSON *root;
            const char *why = decode_one(body, &t, &a, &root);
            bool valid = k == 5;
            if ((why == NULL) != valid)
                fprintf(stderr, "offset %zu, bytes %zu: %s\n", at, k, why ? why : "accepted");
            CHECK((why == NULL) == valid);
            if (valid) CHECK(strstr(t.id, "\xc3\xa9") == t.id + at);
            dh_arena_free(a); /* the tree with it */
        }
    }
}

/* Each known field is recognised (a second copy is refused), and a near miss is not one. */
static void every_field_once(void) {
    static const char *fields[][2] = {{"id", "\"b\""},
                                      {"label", "\"l\""},
                                      {"description", "null"},
                                      {"created_by", "\"o\""},
                                      {"is_active", "true"},
                                      {"created_at", "\"2026-01-01T00:00:00Z\""},
                                      {"expires_at", "null"},
                                      {"last_used_at", "null"},
                                      {"token", "\"dckr_oat_x\""},
                                      {"resources", "[]"}};
    char body[256];
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        snprintf(body, sizeof body, "{\"id\":\"a\",\"%s\":%s,\"%s\":%s}", fields[i][0],
                 fields[i][1], fields[i][0], fields[i][1]);
        dh_token t;
        dh_arena *a;
        cJSON *root;
        const char *why = decode_one(body, &t, &a, &root);
        CHECK(why && strstr(why, "duplicate"));
        dh_arena_free(a); /* the tree with it */
    }
    static const char *near[] = {"i",         "ids",       "is",         "lab",
                                 "labels",    "last",      "created_",   "created_byx",
                                 "created_a", "createdat", "descriptio", "expires",
                                 "tokens",    "resource",  "",           "x"};
    for (size_t i = 0; i < sizeof near / sizeof *near; i++) {
        snprintf(body, sizeof body, "{\"id\":\"a\",\"%s\":5,\"%s\":5}", near[i], near[i]);
        dh_token t;
        dh_arena *a;
        cJSON *root;
        const char *why = decode_one(body, &t, &a, &root);
        if (why) fprintf(stderr, "%s: %s\n", near[i], why);
        CHECK(why == NULL && cJSON_GetObjectItemCaseSensitive(root, near[i]) != NULL);
        dh_arena_free(a); /* the tree with it */
    }
}

/* A page larger than the arena's biggest block: every token and string intact. */
static void large_page(void) {
    dh_buf b = {0};
    dh_buf_puts(&b, "{\"total\":1000,\"next\":null,\"previous\":null,\"results\":[");
    for (int i = 0; i < 1000; i++) {
        if (i) dh_buf_puts(&b, ",");
        dh_buf_puts(&b, "{\"id\":\"");
        dh_buf_int(&b, i);
        dh_buf_puts(
            &b,
            "\",\"label\":\"ci-pipeline-with-a-long-label\",\"created_by\":\"acme-owner\",\"is_active\":true,"
            "\"created_at\":\"2026-03-18T21:15:40.504110Z\",\"expires_at\":null,\"last_used_at\":null}");
    }
    dh_buf_puts(&b, "]}");
    CHECK(!b.oom);
    dh_arena *a = dh_arena_new();
    cJSON *root;
    dh_token_page p;
    CHECK(dh_decode_page(b.data, b.len, a, &root, &p) == NULL);
    CHECK(p.total == 1000 && p.count == 1000);
    char id[24];
    for (size_t i = 0; i < p.count; i++) {
        snprintf(id, sizeof id, "%zu", i);
        CHECK_STR(p.results[i].id, id);
        CHECK_STR(p.results[i].label, "ci-pipeline-with-a-long-label");
        CHECK(p.results[i].is_active == 1 && p.results[i].expires_at == NULL);
    }
    dh_arena_free(a); /* the tree with it */
    dh_buf_free(&b);
}

/* cJSON reads numbers with dh_strtod: whole numbers exact, the rest close. */
static void numbers(void) {
    static const struct {
        const char *s;
        double v;
        size_t used;
    } cases[] = {{"0", 0.0, 1},
                 {"-0", -0.0, 2},
                 {"42", 42.0, 2},
                 {"-7,", -7.0, 2},
                 {"1e3", 1000.0, 3},
                 {"2.50e1", 25.0, 6},
                 {"9007199254740991", 9007199254740991.0, 16},
                 {"900719925474099100e-2", 9007199254740991.0, 21},
                 {"1.25e-3", 1.25e-3, 7},
                 {"0.5", 0.5, 3},
                 {"5.", 5.0, 2},
                 {".5", 0.5, 2},
                 {"1e", 1.0, 1},
                 {"1e+", 1.0, 1},
                 {"3E+2x", 300.0, 4},
                 {"1e400", HUGE_VAL, 5},
                 {"-1e400", -HUGE_VAL, 6},
                 {"1e-400", 0.0, 6},
                 {"-", 0.0, 0},
                 {".", 0.0, 0},
                 {"e5", 0.0, 0},
                 {"4503599627370495.5", 4503599627370495.5, 18}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *end = NULL;
        double v = dh_strtod(cases[i].s, &end);
        if (v != cases[i].v || (size_t)(end - cases[i].s) != cases[i].used)
            fprintf(stderr, "%s: %.17g, %zu used\n", cases[i].s, v, (size_t)(end - cases[i].s));
        CHECK(v == cases[i].v && (size_t)(end - cases[i].s) == cases[i].used);
    }
    CHECK(signbit(dh_strtod("-0", NULL)));
    double third = dh_strtod("0.333333333333333333333333", NULL);
    CHECK(fabs(third - 1.0 / 3.0) < 1e-15);
    /* A page's total must be whole: a half just under 2^52 is not. */
    dh_arena *a = dh_arena_new();
    cJSON *root;
    dh_token_page p;
    const char *body = "{\"total\":4503599627370495.5,\"results\":[]}";
    CHECK(dh_decode_page(body, strlen(body), a, &root, &p) != NULL);
    dh_arena_free(a); /* the tree with it */
    a = dh_arena_new();
    body = "{\"total\":9007199254740991,\"results\":[]}";
    CHECK(dh_decode_page(body, strlen(body), a, &root, &p) == NULL &&
          p.total == 9007199254740991LL);
    dh_arena_free(a); /* the tree with it */
}

static void auth_answers(void) {
    const char *why = NULL;
    char *jwt = dh_decode_auth("{\"access_token\":\"eyJ.x.y\"}", 26, &why);
    CHECK_STR(jwt, "eyJ.x.y");
    free(jwt);
    CHECK(dh_decode_auth("{\"access_token\":\"a b\"}", 22, &why) == NULL && why);
    CHECK(dh_decode_auth("{\"token\":\"x\"}", 13, &why) == NULL && why);
    CHECK(dh_decode_auth("<html>", 6, &why) == NULL && why);
}

TEST_GROUP(decode_tests) = {{"full_token", full_token},
                            {"bad_tokens", bad_tokens},
                            {"deep_nesting", deep_nesting},
                            {"pages", pages},
                            {"auth_answers", auth_answers},
                            {"utf8_at_every_offset", utf8_at_every_offset},
                            {"every_field_once", every_field_once},
                            {"large_page", large_page},
                            {"numbers", numbers},
                            END_GROUP};
