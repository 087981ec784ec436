/* The allocator every allocation of the core goes through, the caller's where dh_set_allocators
 * gave one. cJSON's hooks point here too (arena.c installs them), so a tree's nodes, and the
 * arena blocks a reply's tree lives in, come from the same place. */
#include <stdlib.h>

#include "internal.h"

static void *libc_malloc(size_t n) { return malloc(n); }
static void *libc_calloc(size_t n, size_t size) { return calloc(n, size); }
static void *libc_realloc(void *p, size_t n) { return realloc(p, n); }
static void libc_free(void *p) { free(p); }

static const dh_allocators libc = {libc_malloc, libc_calloc, libc_realloc, libc_free};
static dh_allocators current = {libc_malloc, libc_calloc, libc_realloc, libc_free};

dh_allocators dh_set_allocators(const dh_allocators *fns) {
    dh_allocators before = current;
    bool whole = fns && fns->malloc_fn && fns->calloc_fn && fns->realloc_fn && fns->free_fn;
    current = whole ? *fns : libc;
    dh_install_json_hooks();
    return before;
}

void dh_reset_allocators(void) { dh_set_allocators(NULL); }

void *dh_malloc(size_t n) { return current.malloc_fn(n); }
void *dh_calloc(size_t n, size_t size) { return current.calloc_fn(n, size); }
void *dh_realloc(void *p, size_t n) { return current.realloc_fn(p, n); }
void dh_free(void *p) {
    if (p) current.free_fn(p);
}
