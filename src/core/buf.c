/* A growable NUL-terminated byte string, and wiping frees. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dh_buf_append(dh_buf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = b->wipe ? dh_malloc(cap) : dh_realloc(b->data, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        if (b->wipe && b->data) { /* a secret must not stay behind in the block given back */
            memcpy(p, b->data, b->len + 1);
            dh_wipe(b->data, b->cap);
            dh_free(b->data);
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dh_buf_puts(dh_buf *b, const char *s) { dh_buf_append(b, s, strlen(s)); }

void dh_buf_free(dh_buf *b) {
    if (b->wipe && b->data) dh_wipe(b->data, b->cap);
    dh_free(b->data);
    *b = (dh_buf){0};
}

char *dh_buf_take(dh_buf *b) {
    if (b->oom || !b->data) {
        bool empty_ok = !b->oom;
        dh_buf_free(b);
        return empty_ok ? dh_calloc(1, 1) : NULL;
    }
    char *s = b->data;
    *b = (dh_buf){0};
    return s;
}

/* Called through a volatile pointer: a compiler may drop a plain memset of memory that is freed
 * next (dead stores), and here the zeros are the point. */
static void *(*const volatile zero_bytes)(void *, int, size_t) = memset;

void dh_wipe(void *p, size_t n) {
    if (p && n) zero_bytes(p, 0, n);
}

void dh_wipe_free(char *s) {
    if (!s) return;
    dh_wipe(s, strlen(s));
    dh_free(s);
}

char *dh_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = dh_malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

void dh_buf_int(dh_buf *b, int64_t v) {
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[n++] = '-';
    char out[24];
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    dh_buf_append(b, out, n);
}

void dh_buf_json_string(dh_buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    dh_buf_append(b, "\"", 1);
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        dh_buf_append(b, run, (size_t)((const char *)p - run));
        if (c == 0) break;
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        if (c == '\n') esc[1] = 'n';
        else if (c == '\r') esc[1] = 'r';
        else if (c == '\t') esc[1] = 't';
        else if (c < 0x20) {
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        dh_buf_append(b, esc, n);
        run = (const char *)p + 1;
    }
    dh_buf_append(b, "\"", 1);
}
