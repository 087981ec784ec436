#include <stdlib.h>

#include "internal.h"
#include "test.h"

static void encoding(void) {
    dh_buf b = {0};
    dh_url_encode(&b, "a b/c?d#e%f~g.h_i-j\xc3\xa9");
    CHECK_STR(b.data, "a%20b%2Fc%3Fd%23e%25f~g.h_i-j%C3%A9");
    dh_buf_free(&b);
}

static void token_urls(void) {
    char *u = dh_url_tokens("https://hub.docker.com", "acme", NULL, &(dh_list_options){0, 0});
    CHECK_STR(u, "https://hub.docker.com/v2/orgs/acme/access-tokens?page=1&page_size=10");
    free(u);
    u = dh_url_tokens("http://127.0.0.1:1", "acme", NULL, &(dh_list_options){3, 100});
    CHECK_STR(u, "http://127.0.0.1:1/v2/orgs/acme/access-tokens?page=3&page_size=100");
    free(u);
    u = dh_url_tokens("http://h/prefix", "acme", "a7a5ef25-8889", NULL);
    CHECK_STR(u, "http://h/prefix/v2/orgs/acme/access-tokens/a7a5ef25-8889");
    free(u);
}

static void bodies(void) {
    const char *scopes[] = {"scope-image-pull", "scope-image-push"};
    dh_resource r = {"TYPE_REPO", "acme/api", scopes, 2};
    dh_create_request c = {"ci \"bot\"", "for CI", &r, 1, "2027-01-01T00:00:00Z"};
    char *s = dh_encode_create(&c);
    CHECK_STR(
        s,
        "{\"label\":\"ci \\\"bot\\\"\",\"description\":\"for CI\",\"resources\":[{\"type\":\"TYPE_REPO\","
        "\"path\":\"acme/api\",\"scopes\":[\"scope-image-pull\",\"scope-image-push\"]}],"
        "\"expires_at\":\"2027-01-01T00:00:00Z\"}");
    free(s);
    dh_create_request minimal = {.label = "x"};
    s = dh_encode_create(&minimal);
    CHECK_STR(s, "{\"label\":\"x\"}");
    free(s);
    dh_update_request u = {.is_active = 0};
    s = dh_encode_update(&u);
    CHECK_STR(s, "{\"is_active\":false}");
    free(s);
    dh_update_request u2 = {.label = "y", .has_resources = 1, .is_active = -1};
    s = dh_encode_update(&u2);
    CHECK_STR(s, "{\"label\":\"y\",\"resources\":[]}");
    free(s);
    s = dh_encode_auth("acme-owner", "pw");
    CHECK_STR(s, "{\"identifier\":\"acme-owner\",\"secret\":\"pw\"}");
    free(s);
}

TEST_GROUP(url_tests) = {
    {"encoding", encoding}, {"token_urls", token_urls}, {"bodies", bodies}, END_GROUP};
