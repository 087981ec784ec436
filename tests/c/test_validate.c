#include <stdlib.h>

#include "internal.h"
#include "test.h"

static void names(void) {
    CHECK(dh_check_name("acme") == NULL);
    CHECK(dh_check_name("a7a5ef25-8889-43a0-8cc7-f2a94268e861") == NULL);
    CHECK(dh_check_name("my_org.v2") == NULL);
    const char *bad[] = {"",     "a/b", "..",   ".",    "a?b", "a#b",
                         "a%2f", "a b", "a\rb", "a\nb", "a:b", "é"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) CHECK(dh_check_name(bad[i]) != NULL);
    CHECK(dh_check_name(NULL) != NULL);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[299] = '\0';
    CHECK(dh_check_name(longname) != NULL);
    longname[255] = '\0';
    CHECK(dh_check_name(longname) == NULL);
}

static void dates(void) {
    const char *good[] = {"2026-01-31T12:00:00Z", "2026-03-18T21:15:40.504110Z",
                          "2024-02-29T00:00:00+01:00", "2026-12-31t23:59:60z"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK(dh_check_rfc3339(good[i]) == NULL);
    const char *bad[] = {"2026-01-31",
                         "2026-02-30T00:00:00Z",
                         "2025-02-29T00:00:00Z",
                         "2026-13-01T00:00:00Z",
                         "2026-01-31 12:00:00Z",
                         "2026-01-31T12:00:00",
                         "2026-01-31T24:00:00Z",
                         "2026-01-31T12:00:00.Z",
                         "2026-01-31T12:00:00+0100",
                         "tomorrow",
                         "2026-01-31T12:00:00Zjunk"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) CHECK(dh_check_rfc3339(bad[i]) != NULL);
}

static void requests(void) {
    const char *scopes[] = {"scope-image-pull"};
    const char *empty_scope[] = {""};
    dh_resource ok = {"TYPE_REPO", "acme/api", scopes, 1};
    dh_create_request c = {.label = "ci", .resources = &ok, .resource_count = 1};
    CHECK(dh_check_create(&c) == NULL);
    c.label = "";
    CHECK(dh_check_create(&c) != NULL);
    c.label = NULL;
    CHECK(dh_check_create(&c) != NULL);
    c.label = "ci";
    c.expires_at = "next year";
    CHECK(dh_check_create(&c) != NULL);
    c.expires_at = "2027-01-01T00:00:00Z";
    CHECK(dh_check_create(&c) == NULL);
    dh_resource bad_type = {"TYPE_USER", "acme/api", scopes, 1};
    dh_resource no_path = {"TYPE_REPO", "", scopes, 1};
    dh_resource no_scopes = {"TYPE_REPO", "acme/api", NULL, 0};
    dh_resource blank_scope = {"TYPE_REPO", "acme/api", empty_scope, 1};
    dh_resource *bads[] = {&bad_type, &no_path, &no_scopes, &blank_scope};
    for (size_t i = 0; i < 4; i++) {
        c.resources = bads[i];
        CHECK(dh_check_create(&c) != NULL);
    }
    dh_update_request u = {.is_active = -1};
    CHECK(dh_check_update(&u) != NULL); /* nothing to change */
    u.is_active = 0;
    CHECK(dh_check_update(&u) == NULL);
    u.label = "";
    CHECK(dh_check_update(&u) != NULL);
    u.label = NULL;
    u.has_resources = 1;
    u.resources = &bad_type;
    u.resource_count = 1;
    CHECK(dh_check_update(&u) != NULL);
    u.resource_count = 0; /* an empty list is a valid change: no resources */
    CHECK(dh_check_update(&u) == NULL);
}

static const char *scope_refusal(const char *scope) {
    const char *scopes[] = {"scope-image-push", scope};
    dh_resource r = {"TYPE_REPO", "acme/api", scopes, 2};
    return dh_check_create(
        &(dh_create_request){.label = "ci", .resources = &r, .resource_count = 1});
}

/* Scopes need the prefix; the refusal names the scope meant, where there is one. */
static void scopes(void) {
    CHECK(scope_refusal("scope-image-pull") == NULL);
    CHECK(scope_refusal("scope-member-read") == NULL);
    CHECK(scope_refusal("scope-something-new") == NULL); /* Docker Hub adds scopes */
    const char *cases[][2] = {
        {"image-pull", "use \"scope-image-pull\""},
        {"Image-Pull", "use \"scope-image-pull\""},
        {"SCOPE-IMAGE-PUSH", "use \"scope-image-push\""},
        {"Scope-member-read", "use \"scope-member-read\""},
        {"repo-pull", "use \"scope-image-pull\""},
        {"repo-push", "use \"scope-image-push\""},
        {"repo:admin", "use \"scope-image-delete\""},
        {"governance-policy-write", "use \"scope-governance-policy-write\""},
        {"siem_credentials-read", "use \"scope-siem_credentials-read\""},
        {"pull", "needs the scope- prefix, as in scope-image-pull"},
        {" scope-image-pull", "needs the scope- prefix"},
        {"scope_image-pull", "needs the scope- prefix"},
        {"image-pullx", "needs the scope- prefix"},
        {"scope", "needs the scope- prefix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *why = scope_refusal(cases[i][0]);
        if (!why || !strstr(why, cases[i][1]))
            fprintf(stderr, "scope %s: %s\n", cases[i][0], why ? why : "(accepted)");
        CHECK(why && strstr(why, cases[i][1]));
    }
    const char *old[] = {"repo-pull"};
    dh_resource r = {"TYPE_REPO", "acme/api", old, 1};
    CHECK(dh_check_update(&(dh_update_request){
              .is_active = -1, .has_resources = 1, .resources = &r, .resource_count = 1}) != NULL);
}

static void list_options(void) {
    CHECK(dh_check_list_options(&(dh_list_options){1, 100}) == NULL);
    CHECK(dh_check_list_options(&(dh_list_options){-1, 10}) != NULL);
    CHECK(dh_check_list_options(&(dh_list_options){1, 101}) != NULL);
    CHECK(dh_check_list_options(&(dh_list_options){1, -5}) != NULL);
}

static void base_urls(void) {
    char *out = NULL;
    CHECK(dh_check_base_url("http://127.0.0.1:8080/", &out) == NULL);
    CHECK_STR(out, "http://127.0.0.1:8080");
    free(out);
    CHECK(dh_check_base_url("http://[::1]:4010/prefix", &out) == NULL);
    free(out);
    CHECK(dh_check_base_url(NULL, &out) == NULL);
    CHECK_STR(out, "https://hub.docker.com");
    free(out);
    const char *bad[] = {"ftp://x",        "https://",      "https://user:pw@hub.docker.com",
                         "https://h/?q=1", "https://h/#f",  "hub.docker.com",
                         "https://h /x",   "https://h\r\n", "http://h:99999",
                         "http://h:0",     "http://h:",     "http://[::1",
                         "http://[::1]x",  "http://h:8x/"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(dh_check_base_url(bad[i], &out) != NULL);
        CHECK(out == NULL);
    }
    CHECK(dh_check_header_value("eyJ.abc-_") == NULL);
    CHECK(dh_check_header_value("a b") != NULL);
    CHECK(dh_check_header_value("a\r\nX-Evil: 1") != NULL);
}

TEST_GROUP(validate_tests) = {{"names", names},
                              {"dates", dates},
                              {"requests", requests},
                              {"scopes", scopes},
                              {"list_options", list_options},
                              {"base_urls", base_urls},
                              END_GROUP};
