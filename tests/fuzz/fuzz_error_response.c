/* dh_error_from_response: input = 2 bytes of HTTP status (big-endian), 1 byte n, n bytes of a
 * secret the client knows, then the body. Properties: the code follows the status, a message is
 * always there, no returned string shows any run of 8 bytes of a secret (nor a secret shorter
 * than that, whole; runs inside a public dckr_pat_/dckr_oat_ prefix alone are not secret), and a
 * body called clean holds none either; dh_redact of the body as one string leaves none. The oracle
 * finds runs its own way (every window, memcmp), not the core's (sorted window keys). */
#include "fuzz.h"
#include "internal.h"

static const char generic[] =
    "Docker Hub answered HTTP -0123456789 with a body that is not a JSON error with no body "
    "Docker Hub answered with an error out of memory";

static bool contains_n(const char *hay, size_t n, const char *needle, size_t m) {
    if (!m || m > n) return false;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return true;
    return false;
}

static bool contains(const char *hay, size_t n, const char *needle) {
    return contains_n(hay, n, needle, strlen(needle));
}

static size_t public_len(const char *s) {
    size_t n = strlen(s);
    if (n > 9 && (memcmp(s, "dckr_pat_", 9) == 0 || memcmp(s, "dckr_oat_", 9) == 0)) return 9;
    return 0;
}

/* Does hay hold a run of the secret that counts? */
static bool holds_run(const char *hay, size_t n, const char *secret) {
    size_t m = strlen(secret);
    if (m < 8) return contains(hay, n, secret);
    size_t pub = public_len(secret);
    for (size_t k = 0; k + 8 <= m; k++)
        if (k + 8 > pub && contains_n(hay, n, secret + k, 8)) return true;
    return false;
}

/* A secret the properties can speak about: no text the redaction writes itself can complete it
 * (no brackets), the fixed sentences do not hold it, and it cannot be part of a JSON number or
 * literal or of JSON's punctuation (so in the raw body it can only sit in a string or outside
 * the JSON value). Real secrets (JWTs, tokens, passwords of letters and digits) are like this. */
static bool plain_secret(const char *s) {
    size_t n = strlen(s);
    if (n < 6 || holds_run(generic, sizeof generic - 1, s)) return false;
    bool letter = false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alpha && !(c >= '0' && c <= '9') && c != '_' && c != '-' && c != '.' && c != '~')
            return false;
        if (alpha && c != 'e' && c != 'E') letter = true;
    }
    return letter;
}

static void no_secret(const char *s, const char *secret) {
    if (s) FUZZ_CHECK(!holds_run(s, strlen(s), secret));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    int status = (data[0] << 8) | data[1];
    size_t n = data[2];
    if (n > size - 3) n = size - 3;
    char *secret = fuzz_cstr(data + 3, n);
    size_t len = size - 3 - n;
    char *body = fuzz_copy(data + 3 + n, len);
    const char *secrets[] = {secret, NULL, "sandbox-password"};
    dh_arena *a = dh_arena_new();
    if (!a) abort();
    dh_error e;
    bool clean = dh_error_from_response(status, len ? body : NULL, len, secrets, 3, a, &e);
    FUZZ_CHECK(e.status == status);
    FUZZ_CHECK(e.code == dh_code_for_status(status));
    FUZZ_CHECK(e.message && *e.message);
    FUZZ_CHECK(e.retry_after == -1);
    /* The body as a header value would be: dh_redact leaves no run either. */
    char *as_text = fuzz_cstr(data + 3 + n, len);
    const char *redacted = dh_redact(a, as_text, secrets, 3);
    for (size_t i = 0; i < 3; i++) {
        if (!secrets[i] || !plain_secret(secrets[i])) continue;
        no_secret(redacted, secrets[i]);
        no_secret(e.message, secrets[i]);
        no_secret(e.detail, secrets[i]);
        no_secret(e.text, secrets[i]);
        if (clean) FUZZ_CHECK(!holds_run(body, len, secrets[i]));
    }
    dh_arena_free(a);
    free(as_text);
    free(body);
    free(secret);
    return 0;
}
