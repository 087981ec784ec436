/* dh_decode_page: any bytes as a list page body. */
#include "cJSON.h"
#include "fuzz.h"
#include "internal.h"

static void touch(const char *s) {
    if (s) (void)strlen(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *body = fuzz_copy(data, size);
    dh_arena *a = dh_arena_new();
    if (!a) abort();
    cJSON *root = NULL;
    dh_token_page p;
    const char *why = dh_decode_page(body, size, a, &root, &p);
    if (!why) {
        FUZZ_CHECK(cJSON_IsObject(root));
        FUZZ_CHECK(p.total >= -1); /* -1: the page gives no total */
        FUZZ_CHECK(p.count == 0 || p.results);
        touch(p.next);
        touch(p.previous);
        for (size_t i = 0; i < p.count; i++) {
            const dh_token *t = &p.results[i];
            FUZZ_CHECK(t->id && *t->id);
            FUZZ_CHECK(t->is_active >= -1 && t->is_active <= 1);
            touch(t->label);
            touch(t->description);
            touch(t->created_by);
            touch(t->created_at);
            touch(t->expires_at);
            touch(t->last_used_at);
            touch(t->token);
            for (size_t j = 0; j < t->resource_count; j++) {
                touch(t->resources[j].type);
                touch(t->resources[j].path);
                for (size_t k = 0; k < t->resources[j].scope_count; k++)
                    touch(t->resources[j].scopes[k]);
            }
        }
    } else {
        FUZZ_CHECK(*why);
    }
    dh_arena_free(a); /* the tree with it */
    free(body);
    return 0;
}
