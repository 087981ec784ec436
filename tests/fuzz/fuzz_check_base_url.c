/* dh_check_base_url: any string; an accepted one is http(s) with a host, copied without its
 * trailing slashes, and makes request URLs that start with it. */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    char *out = (char *)1;
    const char *why = dh_check_base_url(s, &out);
    if (!why) {
        FUZZ_CHECK(out != NULL);
        size_t n = strlen(out);
        FUZZ_CHECK(strncmp(out, "https://", 8) == 0 || strncmp(out, "http://", 7) == 0);
        FUZZ_CHECK(n > 0 && out[n - 1] != '/');
        FUZZ_CHECK(strncmp(s, out, n) == 0);
        FUZZ_CHECK(strcspn(out, "?#@\\ ") == n);
        dh_list_options o = {2, 50};
        char *url = dh_url_tokens(out, "acme", "a/b", &o);
        FUZZ_CHECK(url && strncmp(url, out, n) == 0 && strncmp(url + n, "/v2/orgs/acme/", 14) == 0);
        free(url);
    } else {
        FUZZ_CHECK(out == NULL && *why);
    }
    free(out);
    free(s);
    return 0;
}
