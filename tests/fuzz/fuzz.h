/* Shared by the libFuzzer targets: the entry point's prototype, a NUL-terminated copy of the
 * input, and a check that aborts (libFuzzer keeps the input) whatever NDEBUG says. */
#ifndef DH_FUZZ_H
#define DH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a C string (it stops at the first NUL byte the input holds). Free with free(). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* An exact-size heap copy, not NUL-terminated: ASan sees any read past the end. */
static inline char *fuzz_copy(const uint8_t *data, size_t size) {
    char *s = malloc(size ? size : 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    return s;
}

#endif
