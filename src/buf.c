/* A growable NUL-terminated byte string, and wiping frees. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dh_buf_append(dh_buf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->oom = true;
            return;
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
    free(b->data);
    *b = (dh_buf){0};
}

char *dh_buf_take(dh_buf *b) {
    if (b->oom || !b->data) {
        bool empty_ok = !b->oom;
        dh_buf_free(b);
        return empty_ok ? calloc(1, 1) : NULL;
    }
    char *s = b->data;
    *b = (dh_buf){0};
    return s;
}

void dh_wipe_free(char *s) {
    if (!s) return;
    /* volatile: the compiler may not drop stores to memory that is freed next. */
    volatile char *p = s;
    while (*p) *p++ = 0;
    free(s);
}

char *dh_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}
