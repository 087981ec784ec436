/* A small test harness: CHECK records a failure and goes on; test_run (test_runner.c) runs one
 * group by name, for the unit tests and the e2e tests alike. */
#ifndef DH_TEST_H
#define DH_TEST_H
#include <stdio.h>
#include <string.h>

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

extern int test_failures;

typedef struct test_group {
    const char *name;
    const test_case *cases;
} test_group;

/* Runs the group named argv[1] (every group when none is named): before_each (NULL: nothing)
 * before each case, then "ok  " or "FAIL" and PREFIX group.case on a line, and at the end
 * "N passed, M failed". Returns main's status: 0 all passed, 1 a case failed, 2 no such group. */
int test_run(const test_group *groups, size_t n_groups, int argc, char **argv, const char *prefix,
             void (*before_each)(void));
#define TEST_MAIN(groups, argc, argv, prefix, before_each)                                         \
    test_run((groups), sizeof(groups) / sizeof *(groups), (argc), (argv), (prefix), (before_each))

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s is \"%s\", expected \"%s\"\n", __FILE__,  \
                    __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define TEST_GROUP(group) const test_case group[]
#define END_GROUP                                                                                  \
    { NULL, NULL }
#endif
