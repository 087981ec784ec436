/* dh_decode_token: any bytes as a token body (get, create, update answers). */
#include "cJSON.h"
#include "fuzz.h"
#include "internal.h"

static void touch(const char *s) {
    if (s) (void)strlen(s);
}

static void check_token(const dh_token *t) {
    FUZZ_CHECK(t->id && *t->id);
    FUZZ_CHECK(t->is_active >= -1 && t->is_active <= 1);
    FUZZ_CHECK(!t->token || *t->token);
    touch(t->label);
    touch(t->description);
    touch(t->created_by);
    touch(t->created_at);
    touch(t->expires_at);
    touch(t->last_used_at);
    FUZZ_CHECK(t->resource_count == 0 || t->resources);
    for (size_t i = 0; i < t->resource_count; i++) {
        const dh_resource *r = &t->resources[i];
        FUZZ_CHECK(r->type && r->path);
        touch(r->type);
        touch(r->path);
        FUZZ_CHECK(r->scope_count == 0 || r->scopes);
        for (size_t j = 0; j < r->scope_count; j++) {
            FUZZ_CHECK(r->scopes[j] != NULL);
            touch(r->scopes[j]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *body = fuzz_copy(data, size);
    dh_arena *a = dh_arena_new();
    if (!a) abort();
    cJSON *root = NULL;
    dh_token t;
    const char *why = dh_decode_token(body, size, a, &root, &t);
    if (!why) {
        FUZZ_CHECK(cJSON_IsObject(root)); /* the token is the whole body, unknown fields kept */
        check_token(&t);
    } else {
        FUZZ_CHECK(*why);
    }
    dh_arena_free(a); /* the tree with it */
    free(body);
    return 0;
}
