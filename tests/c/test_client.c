/* The client end to end over the scripted transport: requests sent, answers decoded. */
#include <stdlib.h>

#include "scripted_transport.h"
#include "internal.h"
#include "test.h"

static dh_client *make(scripted *st, const char *bearer, const char *id, const char *secret) {
    dh_config cfg = {.base_url = "http://127.0.0.1:9",
                     .bearer = bearer,
                     .identifier = id,
                     .secret = secret,
                     .transport = st_transport(st)};
    const char *err = NULL;
    dh_client *c = dh_client_new(&cfg, &err);
    CHECK(c != NULL);
    return c;
}

static const char *token_json =
    "{\"id\":\"t1\",\"label\":\"ci\",\"is_active\":true,\"created_by\":\"o\","
    "\"created_at\":\"2026-01-01T00:00:00.000000Z\",\"expires_at\":null,"
    "\"last_used_at\":null,\"resources\":[]}";

static void every_operation(void) {
    scripted st = {0};
    dh_client *c = make(&st, "jwt.a.b", NULL, NULL);
    seen s[5] = {0};
    CHECK(dh_list_tokens(c, "acme", &(dh_list_options){2, 5}, record, &s[0]) == DH_OK);
    CHECK_STR(st.req[0].method, "GET");
    CHECK_STR(st.req[0].url, "http://127.0.0.1:9/v2/orgs/acme/access-tokens?page=2&page_size=5");
    CHECK_STR(st_header(&st, 0, "Authorization"), "Bearer jwt.a.b");
    CHECK_STR(st_header(&st, 0, "Accept"), "application/json");
    CHECK(st.req[0].body == NULL);
    st_respond(&st, 0, 200, "X-RateLimit-Remaining: 41\r\n",
               "{\"total\":1,\"next\":null,\"previous\":null,\"results\":[{\"id\":\"t1\"}]}");
    CHECK(s[0].calls == 1 && s[0].code == DH_OK && s[0].status == 200 && s[0].count == 1 &&
          s[0].total == 1);
    CHECK_STR(s[0].header, "41");

    const char *scopes[] = {"scope-image-pull"};
    dh_resource r = {"TYPE_REPO", "acme/api", scopes, 1};
    dh_create_request cr = {.label = "ci", .resources = &r, .resource_count = 1};
    dh_create_token(c, "acme", &cr, record, &s[1]);
    CHECK_STR(st.req[1].method, "POST");
    CHECK_STR(st.req[1].url, "http://127.0.0.1:9/v2/orgs/acme/access-tokens");
    CHECK_STR(st_header(&st, 1, "Content-Type"), "application/json");
    CHECK(strstr(st.req[1].body, "\"label\":\"ci\"") != NULL);
    st_respond(&st, 1, 201, NULL,
               "{\"id\":\"t2\",\"label\":\"ci\",\"token\":\"dckr_oat_abc\",\"resources\":[]}");
    CHECK(s[1].code == DH_OK && s[1].status == 201);
    CHECK_STR(s[1].secret, "dckr_oat_abc");

    dh_get_token(c, "acme", "t1", record, &s[2]);
    CHECK_STR(st.req[2].url, "http://127.0.0.1:9/v2/orgs/acme/access-tokens/t1");
    st_respond(&st, 2, 200, NULL, token_json);
    CHECK(s[2].code == DH_OK);
    CHECK_STR(s[2].id, "t1");

    dh_update_token(c, "acme", "t1", &(dh_update_request){.is_active = 0}, record, &s[3]);
    CHECK_STR(st.req[3].method, "PATCH");
    CHECK_STR(st.req[3].body, "{\"is_active\":false}");
    st_respond(&st, 3, 200, NULL, token_json);
    CHECK(s[3].code == DH_OK && s[3].status == 200);

    dh_delete_token(c, "acme", "t1", record, &s[4]);
    CHECK_STR(st.req[4].method, "DELETE");
    st_respond(&st, 4, 204, NULL, NULL);
    CHECK(s[4].calls == 1 && s[4].code == DH_OK && s[4].status == 204);
    dh_client_free(c);
    st_free(&st);
}

static void refusals_send_nothing(void) {
    scripted st = {0};
    dh_client *c = make(&st, "jwt", NULL, NULL);
    seen s = {0};
    CHECK(dh_get_token(c, "acme", "../x", record, &s) == DH_ERR_INVALID_ARGUMENT);
    CHECK(s.calls == 1 && s.code == DH_ERR_INVALID_ARGUMENT);
    CHECK_STR(s.message, "id may hold only letters, digits, '.', '_' and '-'");
    CHECK(dh_list_tokens(c, "a/b", NULL, record, &s) == DH_ERR_INVALID_ARGUMENT);
    CHECK(dh_list_tokens(c, "acme", &(dh_list_options){1, 101}, record, &s) ==
          DH_ERR_INVALID_ARGUMENT);
    CHECK(dh_create_token(c, "acme", &(dh_create_request){.label = ""}, record, &s) ==
          DH_ERR_INVALID_ARGUMENT);
    CHECK(dh_update_token(c, "acme", "t", &(dh_update_request){.is_active = -1}, record, &s) ==
          DH_ERR_INVALID_ARGUMENT);
    CHECK(dh_delete_token(c, "", "t", record, &s) == DH_ERR_INVALID_ARGUMENT);
    CHECK(s.calls == 6);
    CHECK(st.count == 0);
    dh_client_free(c);
}

static void errors_and_failures(void) {
    scripted st = {0};
    dh_client *c = make(&st, "jwt", NULL, NULL);
    seen s[5] = {0};
    for (int i = 0; i < 5; i++) dh_get_token(c, "acme", "t1", record, &s[i]);
    st_respond(&st, 0, 404, NULL, "{\"message\":\"token not found\",\"errinfo\":{}}");
    st_respond(&st, 1, 429, "Retry-After: 3\r\n",
               "{\"detail\":\"Rate limit exceeded\",\"error\":false}");
    st_fail(&st, 2, DH_HTTP_NETWORK);
    st_fail(&st, 3, DH_HTTP_TIMEOUT);
    st_respond(&st, 4, 200, NULL, "{\"id\":7}");
    CHECK(s[0].code == DH_ERR_NOT_FOUND && s[0].status == 404);
    CHECK_STR(s[0].message, "token not found");
    CHECK(s[1].code == DH_ERR_RATE_LIMITED && s[1].retry_after == 3);
    CHECK(s[2].code == DH_ERR_NETWORK && s[2].status == 0);
    CHECK(s[3].code == DH_ERR_TIMEOUT);
    CHECK(s[4].code == DH_ERR_INVALID_RESPONSE && s[4].status == 200);
    /* The core's own sentences name C's fields; the JS bindings word them for JS. */
    seen more[2] = {0};
    dh_get_token(c, "acme", "t1", record, &more[0]);
    st_fail(&st, 5, DH_HTTP_TOO_LARGE);
    CHECK_STR(more[0].message, "the response body is larger than max_response_bytes");
    dh_list_all_tokens(c, "acme", 101, record, &more[1]);
    CHECK_STR(more[1].message, "page_size must be a whole number from 1 to 100");
    dh_client_free(c);
    st_free(&st);
}

static void sign_in_is_shared(void) {
    scripted st = {0};
    dh_client *c = make(&st, NULL, "acme-owner", "pa55word");
    seen s[2] = {0};
    dh_list_tokens(c, "acme", NULL, record, &s[0]);
    dh_get_token(c, "acme", "t1", record, &s[1]);
    CHECK(st.count == 1); /* one sign-in for both calls */
    CHECK_STR(st.req[0].url, "http://127.0.0.1:9/v2/auth/token");
    CHECK_STR(st.req[0].body, "{\"identifier\":\"acme-owner\",\"secret\":\"pa55word\"}");
    CHECK(st_header(&st, 0, "Authorization") == NULL);
    st_respond(&st, 0, 200, NULL, "{\"access_token\":\"jwt.x.y\"}");
    CHECK(st.count == 3);
    CHECK_STR(st_header(&st, 1, "Authorization"), "Bearer jwt.x.y");
    CHECK_STR(st_header(&st, 2, "Authorization"), "Bearer jwt.x.y");
    st_respond(&st, 1, 200, NULL, "{\"total\":0,\"results\":[]}");
    st_respond(&st, 2, 200, NULL, token_json);
    CHECK(s[0].code == DH_OK && s[1].code == DH_OK);
    seen later = {0};
    dh_get_token(c, "acme", "t1", record, &later); /* the JWT is kept */
    CHECK(st.count == 4);
    st_respond(&st, 3, 200, NULL, token_json);
    dh_client_free(c);
    st_free(&st);
}

static void sign_in_failure_hides_the_secret(void) {
    scripted st = {0};
    dh_client *c = make(&st, NULL, "acme-owner", "pa55word");
    seen s[2] = {0};
    dh_list_tokens(c, "acme", NULL, record, &s[0]);
    dh_list_tokens(c, "acme", NULL, record, &s[1]);
    st_respond(&st, 0, 401, "X-RateLimit-Remaining: 3\r\n",
               "{\"message\":\"bad secret pa55word\",\"errinfo\":{}}");
    CHECK(st.count == 1);
    for (int i = 0; i < 2; i++) {
        CHECK(s[i].calls == 1 && s[i].code == DH_ERR_UNAUTHORIZED && s[i].status == 401);
        CHECK_STR(s[i].message, "bad secret [redacted]");
        CHECK_STR(s[i].header, "3"); /* the sign-in's headers come along */
    }
    dh_client_free(c);
    st_free(&st);
}

static void close_settles_everything(void) {
    scripted st = {0};
    dh_client *c = make(&st, NULL, "acme-owner", "pw");
    seen s[2] = {0};
    dh_list_tokens(c, "acme", NULL, record, &s[0]);
    dh_get_token(c, "acme", "t", record, &s[1]);
    dh_client_free(c);
    CHECK(s[0].code == DH_ERR_CLOSED && s[1].code == DH_ERR_CLOSED);
    CHECK(st.req[0].state == 2); /* the sign-in was cancelled */
    st_free(&st);
}

static void transport_refusal(void) {
    scripted st = {.refuse_next = 1};
    dh_client *c = make(&st, "jwt", NULL, NULL);
    seen s = {0};
    CHECK(dh_get_token(c, "acme", "t", record, &s) == DH_OK);
    CHECK(s.calls == 1 && s.code == DH_ERR_NETWORK);
    dh_client_free(c);
}

static void config_refusals(void) {
    scripted st = {0};
    const char *err = NULL;
    dh_config cfg = {.base_url = "ftp://x", .transport = st_transport(&st)};
    CHECK(dh_client_new(&cfg, &err) == NULL && err);
    cfg.base_url = NULL;
    cfg.bearer = "a\nb";
    CHECK(dh_client_new(&cfg, &err) == NULL && err);
    cfg.bearer = NULL;
    cfg.identifier = "x";
    CHECK(dh_client_new(&cfg, &err) == NULL && err);
    CHECK(dh_client_new(NULL, &err) == NULL);
    cfg.identifier = NULL;
    dh_client *c = dh_client_new(&cfg, &err);
    CHECK(c != NULL);
    CHECK(dh_client_set_bearer(c, "a b") == DH_ERR_INVALID_ARGUMENT);
    CHECK(dh_client_set_bearer(c, "ok") == DH_OK);
    dh_client_free(c);
    CHECK_STR(dh_code_name(DH_ERR_RATE_LIMITED), "rate_limited");
}

/* dh_set_allocators: every block the core takes, cJSON's trees and the arenas included, comes
 * from the caller's allocator and goes back to it. */
static long live_blocks, blocks_taken;
static void *count_malloc(size_t n) {
    void *p = malloc(n);
    live_blocks += p != NULL;
    blocks_taken += p != NULL;
    return p;
}
static void *count_calloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    live_blocks += p != NULL;
    blocks_taken += p != NULL;
    return p;
}
static void *count_realloc(void *old, size_t n) {
    void *p = realloc(old, n);
    if (!old && p) live_blocks++, blocks_taken++;
    return p;
}
static void count_free(void *p) {
    live_blocks -= p != NULL;
    free(p);
}

static void allocators_see_everything(void) {
    dh_allocators mine = {count_malloc, count_calloc, count_realloc, count_free};
    dh_allocators before = dh_set_allocators(&mine);
    CHECK(before.malloc_fn != NULL && before.free_fn != NULL);
    scripted st = {0};
    dh_client *c = make(&st, "jwt.a.b", NULL, NULL);
    seen s[2] = {0};
    dh_list_tokens(c, "acme", NULL, record, &s[0]);
    long taken = blocks_taken;
    st_respond(&st, 0, 200, NULL,
               "{\"total\":1,\"next\":null,\"results\":[{\"id\":\"t1\",\"label\":\"x\"}]}");
    CHECK(s[0].code == DH_OK && s[0].count == 1);
    CHECK(blocks_taken > taken); /* the reply's arena */
    dh_get_token(c, "acme", "t1", record, &s[1]);
    taken = blocks_taken;
    st_respond(&st, 1, 404, NULL,
               "{\"message\":\"gone\",\"errinfo\":{\"a\":[1,2,3]},\"detail\":\"d\"}");
    CHECK(s[1].code == DH_ERR_NOT_FOUND);
    CHECK(blocks_taken - taken >= 8); /* cJSON's nodes of the error body, each its own block */
    dh_client_free(c);
    st_free(&st);
    CHECK(live_blocks == 0);
    dh_reset_allocators();
    long after = blocks_taken;
    char *copy = dh_strdup("x");
    free(copy);
    CHECK(blocks_taken == after); /* libc's again */
}

TEST_GROUP(client_tests) = {{"every_operation", every_operation},
                            {"allocators_see_everything", allocators_see_everything},
                            {"refusals_send_nothing", refusals_send_nothing},
                            {"errors_and_failures", errors_and_failures},
                            {"sign_in_is_shared", sign_in_is_shared},
                            {"sign_in_failure_hides_the_secret", sign_in_failure_hides_the_secret},
                            {"close_settles_everything", close_settles_everything},
                            {"transport_refusal", transport_refusal},
                            {"config_refusals", config_refusals},
                            END_GROUP};
