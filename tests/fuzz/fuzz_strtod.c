/* dh_strtod against libc's strtod on what cJSON hands it (bytes mapped onto [0-9+-.eE]): the same
 * end; the same value for every number that is, as written, an integer below 2^53; within 1e-14
 * elsewhere (ours gives up correct rounding there, src/strtod.c). */
#include <math.h>
#include <stdbool.h>

#include "fuzz.h"
#include "internal.h"

static const char ALPHABET[] = "0123456789+-.eE";

/* Whether s[0, n) (a strtod prefix) is an integer as written: every nonzero digit after the
 * point is moved in front of it by the exponent. */
static bool integer_as_written(const char *s, size_t n) {
    const char *p = s, *end = s + n, *dot = NULL, *last = NULL;
    if (p < end && (*p == '+' || *p == '-')) p++;
    for (; p < end && ((*p >= '0' && *p <= '9') || *p == '.'); p++) {
        if (*p == '.') dot = p;
        else if (dot && *p != '0') last = p;
    }
    long exp = p < end ? strtol(p + 1, NULL, 10) : 0; /* the exponent runs to the prefix's end */
    return !last || (long)(last - dot) <= exp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) abort();
    for (size_t i = 0; i < size; i++) s[i] = ALPHABET[data[i] % (sizeof ALPHABET - 1)];
    s[size] = '\0';
    char *ours_end, *libc_end;
    double ours = dh_strtod(s, &ours_end);
    double libc = strtod(s, &libc_end);
    FUZZ_CHECK(ours_end == libc_end);
    if (integer_as_written(s, (size_t)(libc_end - s)) && fabs(libc) < 9007199254740992.0)
        FUZZ_CHECK(ours == libc);
    if (isinf(libc)) FUZZ_CHECK(isinf(ours) && (ours > 0) == (libc > 0));
    else if (fabs(libc) > 1e-300) FUZZ_CHECK(fabs(ours - libc) <= fabs(libc) * 1e-14);
    else FUZZ_CHECK(fabs(ours) < 1e-290);
    free(s);
    return 0;
}
