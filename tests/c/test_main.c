/* Runs one group of tests, named on the command line (ctest runs each group as one test). */
#include <stdio.h>
#include <string.h>

#include "test.h"

int test_failures;

extern const test_case validate_tests[], url_tests[], decode_tests[], error_tests[],
    header_tests[], client_tests[], resilience_tests[], soak_tests[], manifest_tests[], plan_tests[],
    audit_tests[], oom_tests[];

static const struct {
    const char *name;
    const test_case *cases;
} groups[] = {{"validate", validate_tests}, {"url", url_tests},       {"decode", decode_tests},
              {"errors", error_tests},     {"headers", header_tests}, {"client", client_tests},
              {"resilience", resilience_tests}, {"soak", soak_tests},
              {"manifest", manifest_tests}, {"plan", plan_tests}, {"audit", audit_tests}, {"oom", oom_tests}};

int main(int argc, char **argv) {
    int ran = 0, failed = 0;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        if (argc > 1 && strcmp(argv[1], groups[g].name) != 0) continue;
        for (const test_case *t = groups[g].cases; t->name; t++) {
            int before = test_failures;
            t->fn();
            ran++;
            failed += test_failures != before;
            printf("%s %s.%s\n", test_failures == before ? "ok  " : "FAIL", groups[g].name, t->name);
        }
    }
    if (!ran) {
        fprintf(stderr, "no test group named %s\n", argc > 1 ? argv[1] : "(none)");
        return 2;
    }
    printf("%d passed, %d failed\n", ran - failed, failed);
    return failed ? 1 : 0;
}
