#include <stdlib.h>

#include "cJSON.h"
#include "internal.h"
#include "test.h"

static const char *decode_one(const char *body, dh_token *t, dh_arena **a, cJSON **root) {
    *a = dh_arena_new();
    return dh_decode_token(body, strlen(body), *a, root, t);
}

static void done(dh_arena *a, cJSON *root) {
    cJSON_Delete(root);
    dh_arena_free(a);
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
    CHECK(cJSON_GetObjectItemCaseSensitive(t.json, "new_field") != NULL); /* unknown fields kept */
    done(a, root);
}

static void bad_tokens(void) {
    const char *bad[] = {
        "", "   ", "not json", "{\"id\":\"a\"", "[]", "[{\"id\":\"a\"}]", "\"x\"", "{}", "{\"id\":\"\"}",
        "{\"id\":5}", "{\"id\":null}", "{\"id\":\"a\",\"is_active\":\"yes\"}", "{\"id\":\"a\",\"label\":3}",
        "{\"id\":\"a\",\"created_at\":null}", "{\"id\":\"a\",\"resources\":{}}",
        "{\"id\":\"a\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"x\"}]}",
        "{\"id\":\"a\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"x\",\"scopes\":[1]}]}",
        "{\"id\":\"a\",\"id\":\"b\"}",
        "{\"id\":\"a\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"x\",\"scopes\":[],\"scopes\":5}]}", "{\"id\":\"a\"} trailing", "{\"id\":\"\xff\xfe\"}",
        "{\"id\":\"\xc0\xaf\"}", "{\"id\":\"\xed\xa0\x80\"}", "{\"id\":\"a\",\"token\":\"\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dh_token t;
        dh_arena *a;
        cJSON *root;
        const char *why = decode_one(bad[i], &t, &a, &root);
        if (!why) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(why != NULL);
        done(a, root);
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
    done(a, root);
    free(body);
}

static void pages(void) {
    const char *body = "{\"total\":2,\"next\":\"https://hub.docker.com/v2/orgs/acme/access-tokens?page=2&page_size=1\","
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
    done(a, root);

    const char *bad[] = {"{\"total\":1}", "{\"results\":{}}", "{\"results\":[{}]}", "{\"results\":[1]}",
                         "{\"total\":\"1\",\"results\":[]}", "{\"total\":-1,\"results\":[]}",
                         "{\"total\":1.5,\"results\":[]}", "{\"total\":1e400,\"results\":[]}",
                         "{\"results\":[],\"results\":[]}", "{\"next\":5,\"results\":[]}", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        a = dh_arena_new();
        const char *why = dh_decode_page(bad[i], strlen(bad[i]), a, &root, &p);
        if (!why) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(why != NULL);
        done(a, root);
    }
    a = dh_arena_new();
    CHECK(dh_decode_page("{\"results\":[]}", 14, a, &root, &p) == NULL);
    CHECK(p.total == -1 && p.count == 0); /* no total: unknown, not the page's count */
    done(a, root);
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

TEST_GROUP(decode_tests) = {{"full_token", full_token}, {"bad_tokens", bad_tokens},
                            {"deep_nesting", deep_nesting}, {"pages", pages},
                            {"auth_answers", auth_answers}, END_GROUP};
