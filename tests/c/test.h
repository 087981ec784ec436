/* A small test harness: CHECK records a failure and goes on; main runs one group by name. */
#ifndef DH_TEST_H
#define DH_TEST_H
#include <stdio.h>
#include <string.h>

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

extern int test_failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
            test_failures++;                                                         \
        }                                                                            \
    } while (0)

#define CHECK_STR(a, b)                                                                     \
    do {                                                                                    \
        const char *a_ = (a), *b_ = (b);                                                    \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                            \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s is \"%s\", expected \"%s\"\n",     \
                    __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");        \
            test_failures++;                                                                \
        }                                                                                   \
    } while (0)

#define TEST_GROUP(group) const test_case group[]
#define END_GROUP {NULL, NULL}
#endif
