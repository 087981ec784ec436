/* dh_check_name: any string; an accepted name is 1..255 of [A-Za-z0-9._-], not all dots. */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    const char *why = dh_check_name(s);
    size_t n = strlen(s);
    if (!why) {
        FUZZ_CHECK(n >= 1 && n <= DH_NAME_MAX);
        FUZZ_CHECK(strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                   n);
        FUZZ_CHECK(strspn(s, ".") != n);
        /* A valid name needs no escaping in a URL path. */
        dh_buf b = {0};
        dh_url_encode(&b, s);
        FUZZ_CHECK(!b.oom && strcmp(b.data, s) == 0);
        dh_buf_free(&b);
    } else {
        FUZZ_CHECK(*why);
    }
    free(s);
    return 0;
}
