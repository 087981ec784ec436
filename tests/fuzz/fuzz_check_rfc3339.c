/* dh_check_rfc3339: any string; an accepted one has the RFC 3339 shape and a real calendar day. */
#include "fuzz.h"
#include "internal.h"

static bool digits(const char *s, int n) {
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static int num(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    if (!dh_check_rfc3339(s)) {
        size_t n = strlen(s);
        FUZZ_CHECK(n >= 20);
        FUZZ_CHECK(digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
                   digits(s + 8, 2));
        FUZZ_CHECK((s[10] == 'T' || s[10] == 't') && digits(s + 11, 2) && s[13] == ':' &&
                   digits(s + 14, 2) && s[16] == ':' && digits(s + 17, 2));
        int y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
        static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        FUZZ_CHECK(mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1]);
        if (mo == 2 && d == 29) FUZZ_CHECK((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
        FUZZ_CHECK(num(s + 11, 2) <= 23 && num(s + 14, 2) <= 59 && num(s + 17, 2) <= 60);
        char last = s[n - 1];
        FUZZ_CHECK(last == 'Z' || last == 'z' ||
                   (n >= 25 && s[n - 3] == ':' && digits(s + n - 2, 2)));
    }
    free(s);
    return 0;
}
