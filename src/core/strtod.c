/* The strtod cJSON calls (CMakeLists.txt compiles cJSON.c with -Dstrtod=dh_strtod): a decimal
 * reader small enough to leave out libc's, which with its 128-bit soft-float was a third of the
 * wasm's code. It reads what cJSON hands it: [+-]digits[.digits][(e|E)[+-]digits], the longest
 * such prefix (as strtod does); no locale, hex, inf or nan (cJSON never passes those).
 *
 * Exact: every integer of magnitude up to 2^53 ("42", "-7", "9007199254740991", and "1e3" or
 * "2.50e1" too), which is all the API reads (a page's total, a JWT's exp); more widely, every
 * number whose digits, trailing zeros aside, make an integer up to 2^53 and whose power of ten
 * is within 22 either way ("0.5", "1.25e-3"): both factors are exact doubles, so the one
 * multiplication or division rounds correctly. Longer digits with a point among them keep the
 * whole part exact, so a fraction is never lost below 2^53 ("4503599627370495.5").
 * Given up: correct rounding elsewhere. Past 19 significant digits the rest are dropped, and a
 * scale beyond 1e22 is applied in steps, so such values may be a few units in the last place
 * off; overflow gives HUGE_VAL (errno untouched), underflow 0 or an imprecise subnormal. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

#define MAX_DIGITS 19 /* 10^19 - 1 fits in a uint64_t */

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

typedef struct {
    uint64_t digits; /* the first MAX_DIGITS significant digits */
    int sig;         /* how many of them */
    long exp10;      /* value = digits * 10^exp10 */
    bool any;        /* at least one digit was read */
} decimal;

static const char *read_digits(const char *p, decimal *d, bool fraction) {
    for (; *p >= '0' && *p <= '9'; p++) {
        d->any = true;
        if (d->sig < MAX_DIGITS) {
            d->digits = d->digits * 10 + (uint64_t)(*p - '0');
            if (d->digits) d->sig++;
            if (fraction) d->exp10--;
        } else if (!fraction) {
            d->exp10++; /* an integer digit past the 19th: dropped, its place kept */
        }
    }
    return p;
}

/* An exponent is read only when digits follow the e and its sign (else the e is not ours). */
static const char *read_exponent(const char *p, decimal *d) {
    if (*p != 'e' && *p != 'E') return p;
    const char *q = p + 1;
    bool neg = *q == '-';
    if (*q == '+' || *q == '-') q++;
    if (*q < '0' || *q > '9') return p;
    long e = 0;
    for (; *q >= '0' && *q <= '9'; q++)
        if (e < 100000) e = e * 10 + (*q - '0'); /* far past any double: saturate */
    d->exp10 += neg ? -e : e;
    return q;
}

static double scale(double v, long exp10) {
    for (; exp10 > 22; exp10 -= 22)
        if (isinf(v *= 1e22)) return v;
    for (; exp10 < -22; exp10 += 22)
        if ((v /= 1e22) == 0) return v;
    return exp10 >= 0 ? v * pow10_exact[exp10] : v / pow10_exact[-exp10];
}

/* digits * 10^exp10. One exact operation where it can; else, for a point within the digits, the
 * whole part exact and the fraction added (so that "4503599627370495.5" is not read as whole). */
static double value(uint64_t digits, long exp10) {
    if (digits <= (1ull << 53) || exp10 >= 0 || exp10 < -MAX_DIGITS)
        return scale((double)digits, exp10);
    uint64_t unit = 1;
    for (long k = exp10; k < 0; k++) unit *= 10;
    uint64_t whole = digits / unit, part = digits % unit;
    return (double)whole + (double)part / (double)unit;
}

double dh_strtod(const char *s, char **end) {
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '+' || *p == '-') p++;
    decimal d = {0, 0, 0, false};
    p = read_digits(p, &d, false);
    if (*p == '.') p = read_digits(p + 1, &d, true);
    if (!d.any) {
        if (end) *end = (char *)s;
        return 0.0;
    }
    p = read_exponent(p, &d);
    if (end) *end = (char *)p;
    while (d.digits > (1ull << 53) && d.digits % 10 == 0) { /* "900719925474099100e-2" */
        d.digits /= 10;
        d.exp10++;
    }
    double v = d.digits == 0 ? 0.0 : value(d.digits, d.exp10);
    return neg ? -v : v;
}
