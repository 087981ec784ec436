/* What the redaction costs a reply: the work src/core/reply.c's open_reply does for one Docker Hub
 * reply (its 12 headers, each name and value looked at by the client's redactor, which holds the
 * bench's 525-byte JWT), in WASM under Node. Prints the median and the minimum microseconds per
 * reply over 41 rounds of 2000; the minimum is what a busy machine disturbs least. Build and run
 * (after bash scripts/build.sh, which fetches cJSON into build/third_party):
 *
 *   NODE_PATH=/usr/share/nodejs emcc -O2 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 \
 *     -Isrc/core -Isrc/include -Ibuild/third_party/cjson tests/bench/redaction.c \
 *     src/core/redact.c src/core/arena.c src/core/buf.c src/core/alloc.c -o /tmp/redaction.js
 *   node --no-experimental-fetch /tmp/redaction.js \
 *     "$(node -e "import('./tests/bench/bodies.js').then((m) => console.log(m.JWT))")"
 *
 * (--no-experimental-fetch: Emscripten 3.1.6's Node glue would fetch() its .wasm by path.) */
#include <emscripten/emscripten.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static const char *const names[] = {"content-type",
                                    "content-length",
                                    "x-ratelimit-limit",
                                    "x-ratelimit-remaining",
                                    "x-ratelimit-reset",
                                    "strict-transport-security",
                                    "x-content-type-options",
                                    "x-frame-options",
                                    "cache-control",
                                    "date",
                                    "connection",
                                    "keep-alive"};
static const char *const values[] = {
    "application/json", "512",       "1800", "1799",     "1765152000",
    "max-age=31536000", "nosniff",   "deny", "no-store", "Tue, 08 Dec 2026 01:00:00 GMT",
    "keep-alive",       "timeout=60"};

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    enum { ROUNDS = 41, PER = 2000 };
    dh_redactor *r = dh_redactor_new(0x9E3779B97F4A7C15ULL, 0);
    dh_redactor_add(r, argv[1]); /* the JWT; the sent JWT is the same text */
    double per[ROUNDS];
    size_t sink = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = emscripten_get_now();
        for (int k = 0; k < PER; k++) {
            dh_arena *a = dh_arena_new(); /* a reply's arena, as open_reply makes one */
            for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
                sink += dh_redactor_apply(a, r, names[i]) != names[i];
                sink += dh_redactor_apply(a, r, values[i]) != values[i];
            }
            dh_arena_free(a);
        }
        per[round] = (emscripten_get_now() - t0) * 1000.0 / PER;
    }
    qsort(per, ROUNDS, sizeof *per, by_value);
    printf("redaction: %.2f us per reply, median of %d rounds of %d (minimum %.2f); %zu redacted\n",
           per[ROUNDS / 2], ROUNDS, PER, per[0], sink);
    dh_redactor_free(r);
    return 0;
}
