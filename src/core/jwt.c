/* Reading a JWT's `exp` claim, so a session is renewed before Docker Hub refuses it. The
 * signature is not checked: the client only needs to know when to ask for a new one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

static int b64url_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
}

/* Decodes n base64url characters (no padding needed) into a malloc'd NUL-terminated buffer. */
static char *b64url_decode(const char *s, size_t n, size_t *out_len) {
    while (n && s[n - 1] == '=') n--;
    if (n % 4 == 1) return NULL;
    char *out = dh_malloc(n / 4 * 3 + 3);
    if (!out) return NULL;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_value((unsigned char)s[i]);
        if (v < 0) {
            dh_free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

int64_t dh_jwt_exp(const char *jwt) {
    if (!jwt) return -1;
    const char *dot1 = strchr(jwt, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2 || dot2 == dot1 + 1) return -1;
    size_t len = 0;
    char *payload = b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &len);
    if (!payload) return -1;
    cJSON *root = cJSON_ParseWithLength(payload, len);
    int64_t exp = -1;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "exp");
    if (cJSON_IsNumber(e) && isfinite(e->valuedouble) && e->valuedouble > 0 &&
        e->valuedouble < 1e15)
        exp = (int64_t)e->valuedouble;
    cJSON_Delete(root);
    /* The payload names the user; wipe it like the token it came from. */
    memset(payload, 0, len);
    dh_free(payload);
    return exp;
}
