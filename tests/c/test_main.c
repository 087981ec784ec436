/* The C unit tests' groups (ctest runs each as one test: c.<group>); test_runner.c runs them. */
#include "test.h"

extern const test_case validate_tests[], url_tests[], decode_tests[], error_tests[], header_tests[],
    client_tests[], resilience_tests[], soak_tests[], manifest_tests[], plan_tests[], audit_tests[],
    oom_tests[];

static const test_group groups[] = {{"validate", validate_tests},     {"url", url_tests},
                                    {"decode", decode_tests},         {"errors", error_tests},
                                    {"headers", header_tests},        {"client", client_tests},
                                    {"resilience", resilience_tests}, {"soak", soak_tests},
                                    {"manifest", manifest_tests},     {"plan", plan_tests},
                                    {"audit", audit_tests},           {"oom", oom_tests}};

int main(int argc, char **argv) { return TEST_MAIN(groups, argc, argv, "", NULL); }
