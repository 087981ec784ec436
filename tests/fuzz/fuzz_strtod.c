/* dh_strtod against libc's strtod on what cJSON hands it (bytes mapped onto [0-9+-.eE]): the same
 * end; the same value for every number that is, as written, an integer below 2^53; within 1e-14
 * elsewhere (ours gives up correct rounding there, src/core/strtod.c). */
#include <math.h>
#include <stdbool.h>

#include "fuzz.h"
#include "internal.h"

static const char ALPHABET[] = "0123456789+-.eE";

/* Whether s[0, n) (a strtod prefix) is an integer as written: its digits D with F of them after
 * the point and an exponent E make D * 10^(E - F), whole when D's trailing zeros cover F - E. */
static bool integer_as_written(const char *s, size_t n) {
    const char *p = s, *end = s + n;
    if (p < end && (*p == '+' || *p == '-')) p++;
    long frac = 0, zeros = 0;
    bool dot = false, nonzero = false;
    for (; p < end && ((*p >= '0' && *p <= '9') || *p == '.'); p++) {
        if (*p == '.') {
            dot = true;
            continue;
        }
        frac += dot;
        zeros = *p == '0' ? zeros + 1 : 0;
        nonzero |= *p != '0';
    }
    long exp = p < end ? strtol(p + 1, NULL, 10) : 0; /* the exponent runs to the prefix's end */
    if (exp < -1000000) exp = -1000000;               /* past any digit count: no overflow below */
    return !nonzero || zeros >= frac - exp;
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
