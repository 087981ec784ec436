/* The one group runner of the C tests, shared by dh_tests (test_main.c) and dh_e2e (e2e_main.c):
 * ctest runs each group as one process, named on the command line. */
#include <stdio.h>
#include <string.h>

#include "test.h"

int test_failures;

int test_run(const test_group *groups, size_t n_groups, int argc, char **argv, const char *prefix,
             void (*before_each)(void)) {
    int ran = 0, failed = 0;
    for (size_t g = 0; g < n_groups; g++) {
        if (argc > 1 && strcmp(argv[1], groups[g].name) != 0) continue;
        for (const test_case *t = groups[g].cases; t->name; t++) {
            int before = test_failures;
            if (before_each) before_each();
            t->fn();
            ran++;
            failed += test_failures != before;
            printf("%s %s%s.%s\n", test_failures == before ? "ok  " : "FAIL", prefix,
                   groups[g].name, t->name);
            fflush(stdout); /* a group that crashes or hangs still shows the cases that ran */
        }
    }
    if (!ran) {
        fprintf(stderr, "no %stest group named %s\n", prefix, argc > 1 ? argv[1] : "(none)");
        return 2;
    }
    printf("%d passed, %d failed\n", ran - failed, failed);
    return failed ? 1 : 0;
}
