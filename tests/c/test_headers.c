#include "internal.h"
#include "test.h"

static void unpack(void) {
    const char *raw =
        "Content-Type: application/json\r\nX-RateLimit-Limit:  180 \r\nno colon line\r\n"
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

static int64_t retry_status(const char *raw, int status, int64_t now) {
    dh_arena *a = dh_arena_new();
    dh_header *h;
    size_t n = dh_headers_unpack(raw, strlen(raw), a, &h);
    int64_t v = dh_retry_after(h, n, status, now);
    dh_arena_free(a);
    return v;
}

static int64_t retry(const char *raw, int64_t now) { return retry_status(raw, 429, now); }

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

/* hub-feedback #2459: Docker Hub sent Retry-After: 1746136938, the same as X-RateLimit-Reset. */
static void retry_after_unix_time(void) {
    const int64_t now = 1746136936;
    CHECK(retry("Retry-After: 1746136938\r\n", now) == 2);
    CHECK(retry("Retry-After: 1746136938\r\nX-RateLimit-Reset: 1746136938\r\n", now) == 2);
    CHECK(retry("Retry-After: 1746136938\r\n", now + 10) == 0);    /* a moment just past: now */
    CHECK(retry("Retry-After: 1746136938\r\n", now + 86400) == 0); /* a day late still a moment */
    /* More than a day before now it cannot be a moment, nor a delta anyone means: the cap. */
    CHECK(retry("Retry-After: 1746136938\r\n", now + 2 * 86400) == 86400);
    CHECK(retry("Retry-After: 1746136938\r\n", now - 3600) == 3602);
    CHECK(retry("Retry-After: 1846136938\r\n", now) == 86400); /* far ahead: capped */
    CHECK(retry("Retry-After: 86400\r\n", now) == 86400);      /* a day of seconds is seconds */
    CHECK(retry("Retry-After: 86401\r\n", now) == 86400);
    CHECK(retry("Retry-After: 120\r\n", now) == 120);
}

/* A 429 with neither Retry-After nor X-Retry-After waits for the window to reset. */
static void retry_after_ratelimit_reset(void) {
    const int64_t now = 1800000000;
    CHECK(retry("X-RateLimit-Limit: 180\r\nX-RateLimit-Reset: 1800000005\r\n", now) == 5);
    CHECK(retry("X-RateLimit-Reset: 1799999990\r\n", now) == 0);
    CHECK(retry("X-RateLimit-Reset: soon\r\n", now) == -1);
    CHECK(retry("X-RateLimit-Reset: 1900000000\r\n", now) == 86400);
    CHECK(retry("Retry-After: 3\r\nX-RateLimit-Reset: 1800000050\r\n", now) == 3);
    CHECK(retry("X-Retry-After: 1800000007\r\nX-RateLimit-Reset: 1800000050\r\n", now) == 7);
    /* Every response carries the window: only a 429 waits for it. */
    CHECK(retry_status("X-RateLimit-Reset: 1800000005\r\n", 503, now) == -1);
    CHECK(retry_status("Retry-After: 4\r\n", 503, now) == 4);
}

/* A moment is measured from the server's Date where it sent one: a local clock 5 s fast (or a
 * minute slow) waits what the server meant. */
static void retry_after_server_date(void) {
    const char *raw =
        "Date: Fri, 15 Jan 2027 08:00:00 GMT\r\nRetry-After: 1800000002\r\n"; /* 1800000000 */
    CHECK(retry(raw, 1800000005) == 2);
    CHECK(retry(raw, 1799999940) == 2);
    CHECK(retry("Date: Fri, 15 Jan 2027 08:00:00 GMT\r\nX-RateLimit-Reset: 1800000003\r\n",
                1800000009) == 3);
    CHECK(
        retry(
            "Date: Fri, 15 Jan 2027 08:00:00 GMT\r\nRetry-After: Fri, 15 Jan 2027 08:00:04 GMT\r\n",
            0) == 4);
    CHECK(retry("Date: yesterday\r\nRetry-After: 1800000002\r\n", 1800000001) ==
          1); /* unreadable: ours */
    CHECK(retry("Date: Fri, 15 Jan 2027 08:00:00 GMT\r\nRetry-After: 2\r\n", 0) ==
          2); /* seconds stay seconds */
}

TEST_GROUP(header_tests) = {{"unpack", unpack},
                            {"retry_after", retry_after},
                            {"retry_after_unix_time", retry_after_unix_time},
                            {"retry_after_ratelimit_reset", retry_after_ratelimit_reset},
                            {"retry_after_server_date", retry_after_server_date},
                            END_GROUP};
