#include "internal.h"
#include "test.h"

static void unpack(void) {
    const char *raw = "Content-Type: application/json\r\nX-RateLimit-Limit:  180 \r\nno colon line\r\n"
                      ": empty name\r\nX-Evil: a\rb\r\nbad name: 1\r\nRetry-After: 5";
    dh_arena *a = dh_arena_new();
    dh_header *h;
    size_t n = dh_headers_unpack(raw, strlen(raw), a, &h);
    CHECK(n == 4);
    CHECK_STR(dh_header_get(h, n, "content-type"), "application/json");
    CHECK_STR(dh_header_get(h, n, "x-ratelimit-limit"), "180");
    CHECK_STR(dh_header_get(h, n, "x-evil"), "ab");
    CHECK_STR(dh_header_get(h, n, "retry-after"), "5");
    CHECK(dh_header_get(h, n, "bad name") == NULL);
    CHECK(dh_headers_unpack(NULL, 0, a, &h) == 0);
    dh_arena_free(a);
}

static int64_t retry(const char *raw, int64_t now) {
    dh_arena *a = dh_arena_new();
    dh_header *h;
    size_t n = dh_headers_unpack(raw, strlen(raw), a, &h);
    int64_t v = dh_retry_after(h, n, now);
    dh_arena_free(a);
    return v;
}

static void retry_after(void) {
    CHECK(retry("Retry-After: 7\r\n", 0) == 7);
    CHECK(retry("Retry-After: 0\r\n", 0) == 0);
    CHECK(retry("Retry-After: 99999999999999999999\r\n", 0) == 86400);
    CHECK(retry("Retry-After: -3\r\n", 0) == -1);
    CHECK(retry("Retry-After: 1.5\r\n", 0) == -1);
    /* Sun, 06 Nov 1994 08:49:37 GMT is 784111777. */
    CHECK(retry("Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n", 784111770) == 7);
    CHECK(retry("Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n", 784111999) == 0);
    CHECK(retry("Retry-After: Sun, 06 Nov 1994 08:49:37 UTC\r\n", 0) == -1);
    CHECK(retry("X-Retry-After: 1000\r\n", 990) == 10);
    CHECK(retry("X-Retry-After: 1000\r\n", 2000) == 0);
    CHECK(retry("Retry-After: 3\r\nX-Retry-After: 1000\r\n", 0) == 3);
    CHECK(retry("X-Other: 1\r\n", 0) == -1);
}

TEST_GROUP(header_tests) = {{"unpack", unpack}, {"retry_after", retry_after}, END_GROUP};
