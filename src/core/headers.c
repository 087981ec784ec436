/* Response headers: unpacking the host's raw block, and reading Retry-After. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool is_token_char(unsigned char c) {
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

size_t dh_headers_unpack(const char *raw, size_t len, dh_arena *a, dh_header **out) {
    *out = NULL;
    if (!raw || !len) return 0;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += raw[i] == '\n';
    dh_header *h = dh_arena_alloc(a, lines * sizeof *h);
    if (!h) return 0;
    size_t n = 0;
    const char *end = raw + len;
    for (const char *line = raw; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        const char *ns = line, *ne = colon;
        while (colon && ns < ne && is_space(*ns)) ns++;
        while (colon && ne > ns && is_space(ne[-1])) ne--;
        bool ok = colon && ne > ns;
        for (const char *p = ns; ok && p < ne; p++) ok = is_token_char((unsigned char)*p);
        if (ok) {
            const char *vs = colon + 1, *ve = eol;
            while (vs < ve && is_space(*vs)) vs++;
            while (ve > vs && is_space(ve[-1])) ve--;
            char *name = dh_arena_alloc(a, (size_t)(ne - ns) + 1);
            char *value = dh_arena_alloc(a, (size_t)(ve - vs) + 1);
            if (!name || !value) break;
            for (size_t i = 0; i < (size_t)(ne - ns); i++) {
                char c = ns[i];
                name[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            }
            name[ne - ns] = '\0';
            /* A value keeps no control character: a CR or NUL could forge a line downstream.
             * Trimmed again after: a dropped control character may have hidden white space. */
            size_t k = 0;
            for (const char *p = vs; p < ve; p++)
                if (((unsigned char)*p >= 0x20 || *p == '\t') && (k || (*p != ' ' && *p != '\t')))
                    value[k++] = *p;
            while (k && (value[k - 1] == ' ' || value[k - 1] == '\t')) k--;
            value[k] = '\0';
            h[n++] = (dh_header){name, value};
        }
        line = eol + 1;
    }
    *out = h;
    return n;
}

const char *dh_header_get(const dh_header *h, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0) return h[i].value;
    return NULL;
}

/* Whole decimal seconds, or -1 (empty, a sign, a fraction, anything else). */
static int64_t parse_uint(const char *s) {
    if (!*s) return -1;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (v > 1000000000000LL) return INT64_MAX; /* absurd; the caller caps it */
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* IMF-fixdate, the form HTTP senders must use: "Sun, 06 Nov 1994 08:49:37 GMT". */
static int64_t parse_http_date(const char *s) {
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || strcmp(s + 25, " GMT") != 0) return -1;
    int d, y, h, mi, se, m = -1;
    char mon[4] = {0};
    if (s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':') return -1;
    memcpy(mon, s + 8, 3);
    for (int i = 0; i < 12; i++)
        if (memcmp(months + (size_t)i * 3, mon, 3) == 0) m = i + 1;
    char digits[5] = {0};
#define NUM(off, len, var)                                                                         \
    do {                                                                                           \
        memcpy(digits, s + (off), len);                                                            \
        digits[len] = 0;                                                                           \
        int64_t v_ = parse_uint(digits);                                                           \
        if (v_ < 0) return -1;                                                                     \
        (var) = (int)v_;                                                                           \
    } while (0)
    NUM(5, 2, d);
    NUM(12, 4, y);
    NUM(17, 2, h);
    NUM(20, 2, mi);
    NUM(23, 2, se);
#undef NUM
    if (m < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
    return dh_days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se;
}

/* Our reference for "now" when reading a moment: the server's own Date where it sent one, so a
 * skewed local clock neither skips the wait nor stretches it; else the local clock. */
static int64_t server_now(const dh_header *h, size_t n, int64_t now_unix) {
    const char *date = dh_header_get(h, n, "date");
    int64_t at = date ? parse_http_date(date) : -1;
    return at >= 0 ? at : now_unix;
}

static int64_t until(int64_t at, int64_t now) { return at > now ? at - now : 0; }

/* Retry-After's number: delta seconds, or a unix time. A delta longer than a day is
 * never meant (the cap would cut it anyway), so a number past a day that is also later than a
 * day before now can only be a moment: Docker Hub has sent Retry-After: 1746136938. */
static int64_t seconds_or_moment(int64_t v, int64_t now) {
    const int64_t day = 86400;
    if (v > day && v >= now - day) return until(v, now);
    return v;
}

int64_t dh_retry_after(const dh_header *h, size_t n, int status, int64_t now_unix) {
    const int64_t cap = 86400;
    const int64_t now = server_now(h, n, now_unix);
    int64_t wait = -1;
    const char *ra = dh_header_get(h, n, "retry-after");
    if (ra) {
        int64_t v = parse_uint(ra);
        if (v >= 0) wait = seconds_or_moment(v, now);
        else if ((v = parse_http_date(ra)) >= 0) wait = until(v, now);
    }
    const char *xra = dh_header_get(h, n, "x-retry-after"); /* documented as a unix time */
    int64_t v;
    if (wait < 0 && xra && (v = parse_uint(xra)) >= 0) wait = until(v, now);
    /* A 429 with neither: the window ends at X-RateLimit-Reset (unix seconds). */
    const char *reset = dh_header_get(h, n, "x-ratelimit-reset");
    if (wait < 0 && status == 429 && reset && (v = parse_uint(reset)) >= 0) wait = until(v, now);
    return wait > cap ? cap : wait;
}
