/* An arena: a reply's decoded structs, strings and cJSON tree, freed with the reply in one call. */
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

/* 8 covers every type the core puts here (pointers, double, int64_t); max_align_t's 16 (for
 * long double) would pad each of a tree's 40-byte nodes to 48 on wasm32. */
#define ARENA_ALIGN 8
#define FIRST_BLOCK 2048
/* Blocks double up to this: a list of 100 fills about six. */
#define MAX_BLOCK ((size_t)64 * 1024)

/* Under AddressSanitizer (the fuzzers, the asan build) every allocation gets a block of its
 * own, so that a read past one still lands in a redzone instead of in its neighbour. */
#if defined(__SANITIZE_ADDRESS__)
#define DH_ARENA_PRECISE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DH_ARENA_PRECISE 1
#endif
#endif
#ifndef DH_ARENA_PRECISE
#define DH_ARENA_PRECISE 0
#endif

typedef struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct dh_arena {
    block *head;
    size_t next_cap;
};

dh_arena *dh_arena_new(void) { return dh_calloc(1, sizeof(dh_arena)); }

static block *grow(dh_arena *a, size_t size) {
    size_t cap = DH_ARENA_PRECISE ? size : a->next_cap ? a->next_cap : FIRST_BLOCK;
    if (cap < size) cap = size;
    if (cap > SIZE_MAX - sizeof(block)) return NULL;
    block *b = dh_malloc(sizeof(block) + cap);
    if (!b) return NULL;
    b->used = 0;
    b->cap = cap;
    b->next = a->head;
    a->head = b;
    a->next_cap = cap * 2 > MAX_BLOCK ? MAX_BLOCK : cap * 2;
    return b;
}

void *dh_arena_alloc(dh_arena *a, size_t size) {
    if (size > SIZE_MAX - ARENA_ALIGN) return NULL;
    size = size ? (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN : ARENA_ALIGN;
    block *b = a->head;
    if (!b || b->cap - b->used < size) b = grow(a, size);
    if (!b) return NULL;
    void *p = b->data + b->used;
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
        dh_free(b);
    }
    dh_free(a);
}

/* cJSON's hooks are global, so they route: to the arena of the parse running on this thread,
 * else to dh_malloc and dh_free (every tree parsed outside dh_arena_parse_json, and its
 * cJSON_Delete). The arena's own blocks come from dh_malloc: the caller's allocator sees all. */
static _Thread_local dh_arena *parsing;

static _Thread_local bool parse_refused; /* an allocation of the parse running was refused */

static void *json_malloc(size_t n) {
    void *p = parsing ? dh_arena_alloc(parsing, n) : dh_malloc(n);
    if (!p) parse_refused = true;
    return p;
}

/* A failed parse deletes what it built: that memory goes with the arena. */
static void json_free(void *p) {
    if (!parsing) dh_free(p);
}

static bool hooked = false; /* the hooks' state lives in `parsing` and alloc.c, not in cJSON */

void dh_install_json_hooks(void) {
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);
    hooked = true;
}

cJSON *dh_arena_parse_json(dh_arena *a, const char *s, size_t len, const char **end) {
    if (!hooked) dh_install_json_hooks();
    parsing = a;
    parse_refused = false;
    cJSON *root = cJSON_ParseWithLengthOpts(s, len, end, false);
    parsing = NULL;
    return root;
}

bool dh_arena_parse_ran_out(void) { return parse_refused; }
