/* dh_headers_unpack then dh_header_get and dh_retry_after on any raw header block. */
#include "fuzz.h"
#include "internal.h"

static bool is_tchar(unsigned char c) {
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c) && !(c >= 'A' && c <= 'Z');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *raw = fuzz_copy(data, size);
    dh_arena *a = dh_arena_new();
    if (!a) abort();
    dh_header *h = NULL;
    size_t n = dh_headers_unpack(raw, size, a, &h);
    FUZZ_CHECK(n == 0 || h);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += raw[i] == '\n';
    FUZZ_CHECK(n <= lines);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)h[i].name;
        FUZZ_CHECK(*p);
        for (; *p; p++) FUZZ_CHECK(is_tchar(*p));
        const unsigned char *v = (const unsigned char *)h[i].value;
        size_t vl = strlen(h[i].value);
        if (vl) FUZZ_CHECK(v[0] != ' ' && v[0] != '\t' && v[vl - 1] != ' ' && v[vl - 1] != '\t');
        for (size_t k = 0; k < vl; k++) FUZZ_CHECK(v[k] >= 0x20 || v[k] == '\t');
        FUZZ_CHECK(dh_header_get(h, n, h[i].name) != NULL);
    }
    static const int64_t nows[] = {0, 1, 784111777, 1767225600, 4102444800, INT64_MAX / 2};
    for (size_t i = 0; i < sizeof nows / sizeof *nows; i++) {
        int64_t wait = dh_retry_after(h, n, 429, nows[i]);
        FUZZ_CHECK(wait >= -1 && wait <= 86400);
        /* Only a 429 reads X-RateLimit-Reset: any other status waits no longer than it would. */
        int64_t other = dh_retry_after(h, n, 503, nows[i]);
        FUZZ_CHECK(other == wait || (other == -1 && dh_header_get(h, n, "x-ratelimit-reset")));
    }
    dh_arena_free(a);
    free(raw);
    return 0;
}
