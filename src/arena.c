/* An arena: a reply's decoded structs and strings, freed with the reply in one call. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct block {
    struct block *next;
    size_t used, cap;
    max_align_t data[];
} block;

struct dh_arena {
    block *head;
};

dh_arena *dh_arena_new(void) { return calloc(1, sizeof(dh_arena)); }

void *dh_arena_alloc(dh_arena *a, size_t size) {
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0) size = align;
    block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > 2048 ? size : 2048;
        b = malloc(sizeof(block) + cap);
        if (!b) return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

char *dh_arena_strdup(dh_arena *a, const char *s) {
    size_t n = strlen(s) + 1;
    char *p = dh_arena_alloc(a, n);
    if (p) memcpy(p, s, n);
    return p;
}

void dh_arena_free(dh_arena *a) {
    if (!a) return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        /* Zeroed: a reply's strings and the redaction's windows may hold pieces of secrets. */
        dh_wipe(b->data, b->used);
        free(b);
    }
    free(a);
}
