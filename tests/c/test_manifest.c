/* The manifest parser: what it takes, and for each refusal, the line it names. */
#include <stdlib.h>

#include "dockerhub_oat_manifest.h"
#include "internal.h"
#include "test.h"

static dh_manifest *parse(const char *text, dh_manifest_error *err) {
    return dh_manifest_parse(text, strlen(text), err);
}

/* Refused, naming `line`, with `part` in the message. */
static void refused(const char *text, int line, const char *part) {
    dh_manifest_error err;
    dh_manifest *m = parse(text, &err);
    CHECK(m == NULL);
    dh_manifest_free(m);
    if (err.line != line || !strstr(err.message, part))
        fprintf(stderr, "  got line %d \"%s\", expected line %d with \"%s\"\n", err.line,
                err.message, line, part);
    CHECK(err.line == line);
    CHECK(strstr(err.message, part) != NULL);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "line %d: ", line);
    CHECK(strncmp(err.message, prefix, strlen(prefix)) == 0);
}

static const char full[] =
    "{\n"
    "  \"$schema\": \"https://example.test/tokens.schema.json\",\n"
    "  \"version\": 1,\n"
    "  \"tokens\": {\n"
    "    \"ci-pull\": {\n"
    "      \"description\": \"CI pulls\",\n"
    "      \"resources\": {\n"
    "        \"repositories\": { \"acme/api\": [\"image-pull\", \"scope-image-push\"], \"acme/*\": [\"image-pull\"] },\n"
    "        \"org\": [\"member-read\"],\n"
    "        \"public_read\": true\n"
    "      },\n"
    "      \"expires\": \"90d\",\n"
    "      \"secret\": { \"exec\": \"vault write -\" }\n"
    "    },\n"
    "    \"deploy\": { \"expires\": \"2027-01-31\", \"active\": false, \"secret\": { \"out\": \"deploy.token\" } },\n"
    "    \"audit\": { \"id\": \"a1b2\", \"expires\": \"2027-01-31T12:30:00+01:00\" },\n"
    "    \"plain\": {}\n"
    "  }\n"
    "}\n";

static void test_full(void) {
    dh_manifest_error err;
    dh_manifest *m = parse(full, &err);
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    CHECK(m->count == 4);
    const dh_manifest_token *t = &m->tokens[0];
    CHECK_STR(t->label, "ci-pull");
    CHECK(t->line == 5);
    CHECK_STR(t->description, "CI pulls");
    CHECK(t->repo_count == 2);
    CHECK_STR(t->repos[0].path, "acme/api");
    CHECK(t->repos[0].scope_count == 2);
    CHECK_STR(t->repos[0].scopes[0], "scope-image-pull");
    CHECK_STR(t->repos[0].scopes[1], "scope-image-push");
    CHECK(t->org_scope_count == 1);
    CHECK_STR(t->org_scopes[0], "scope-member-read");
    CHECK(t->public_read == 1);
    CHECK(t->expiry == DH_EXPIRY_DAYS && t->expiry_days == 90);
    CHECK(t->active == 1);
    CHECK(t->secret == DH_SECRET_EXEC);
    CHECK_STR(t->secret_target, "vault write -");
    t = &m->tokens[1];
    CHECK(t->line == 15);
    CHECK(t->expiry == DH_EXPIRY_AT && t->expiry_at == 1801353600); /* 2027-01-31T00:00:00Z */
    CHECK(t->active == 0);
    CHECK(t->secret == DH_SECRET_OUT);
    CHECK_STR(t->secret_target, "deploy.token");
    t = &m->tokens[2];
    CHECK_STR(t->id, "a1b2");
    CHECK(t->expiry_at == 1801353600 + 12 * 3600 + 30 * 60 - 3600);
    t = &m->tokens[3];
    CHECK(t->expiry == DH_EXPIRY_NEVER);
    CHECK_STR(t->expires, "never");
    CHECK_STR(t->description, "");
    CHECK(t->repo_count == 0 && t->org_scope_count == 0 && !t->public_read &&
          t->secret == DH_SECRET_NONE);
    dh_manifest_free(m);
}

static void test_expiry_forms(void) {
    static const struct {
        const char *expires;
        int64_t days;
    } rel[] = {{"1d", 1}, {"12w", 84}, {"1y", 365}, {"90d", 90}};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        char text[200];
        snprintf(text, sizeof text, "{\"tokens\": {\"a\": {\"expires\": \"%s\"}}}", rel[i].expires);
        dh_manifest_error err;
        dh_manifest *m = parse(text, &err);
        CHECK(m && m->tokens[0].expiry == DH_EXPIRY_DAYS &&
              m->tokens[0].expiry_days == rel[i].days);
        dh_manifest_free(m);
    }
    static const char *const bad[] = {"0d",       "-1d",   "90",         "d",
                                      "1m",       "1.5d",  "2027-02-30", "2027-1-1",
                                      "tomorrow", "Never", "1234567d",   "2027-01-31T25:00:00Z",
                                      ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[200];
        snprintf(text, sizeof text, "{\"tokens\": {\"a\": {\n\"expires\": \"%s\"}}}", bad[i]);
        refused(text, 2, "expires must be");
    }
}

/* No expiry past what Docker Hub takes (365 days ahead): refused with the line, before any plan. */
static void test_expiry_capped(void) {
    static const char *const ok[] = {"365d", "52w", "1y"};
    static const char *const far[] = {"366d", "53w", "2y", "9999y", "99999y", "99999d", "99999w"};
    char text[200];
    dh_manifest_error err;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        snprintf(text, sizeof text, "{\"tokens\": {\"a\": {\"expires\": \"%s\"}}}", ok[i]);
        dh_manifest *m = parse(text, &err);
        CHECK(m != NULL);
        dh_manifest_free(m);
    }
    for (size_t i = 0; i < sizeof far / sizeof *far; i++) {
        snprintf(text, sizeof text, "{\"tokens\": {\"a\": {\n\"expires\": \"%s\"}}}", far[i]);
        refused(text, 2, "is past what Docker Hub takes: at most 365 days ahead");
    }
}

static void test_syntax_errors_name_the_line(void) {
    refused("{\n  \"tokens\": {\n    \"a\": {},\n    \"b\": {,}\n  }\n}\n", 4, "not valid JSON");
    refused("{\n  \"tokens\": {\n    \"a\": {}\n\n", 3, "ends too early"); /* cut short */
    refused("{\n  \"tokens\": {\n    \"a\": {\"description\": \"x", 3, "not valid JSON");
    refused("{\n\"tokens\": {\"a\": {\"description\": \"x\n\"}}}", 2, "raw line break");
    refused("{\n\"tokens\": {\"a\": {\"description\": 1,}}}", 2, "not valid JSON here");
    refused("{\"tokens\": {}}\n\n{}", 3, "more text after");
    refused("", 1, "no JSON");
    refused("\n\n   \n", 1, "no JSON");
    refused("{\n\"tokens\": {\"a\": {\"description\": \"\xff\"}}}", 2, "UTF-8");
    refused("{\n\n\"tokens\": {\"a\\u0000b\": {}}}", 3, "NUL");
}

static void test_semantic_errors_name_the_line(void) {
    refused("{\n  \"tokens\": {\n    \"a\": {},\n    \"a\": {}\n  }\n}", 4,
            "label \"a\" appears twice");
    refused("{\n  \"tokens\": {\n    \"a\": {\n      \"descripton\": \"x\"\n    }\n  }\n}", 4,
            "unknown key \"descripton\"");
    refused("[]", 1, "must be a JSON object");
    refused("{\n  \"version\": 1\n}", 1, "no \"tokens\"");
    refused("{\n  \"version\": 2,\n  \"tokens\": {}\n}", 2, "version must be 1");
    refused("{\n  \"tokens\": []\n}", 2, "tokens must be an object");
    refused("{\"tokens\": {\n\"a\": 1}}", 2, "must be an object");
    refused("{\"tokens\": {\n\"  \": {}}}", 2, "label may not be empty");
    refused("{\"tokens\": {\n\" padded\": {}}}", 2, "may not start or end with a space");
    refused("{\"tokens\": {\n\"trailing \": {}}}", 2, "may not start or end with a space");
    refused(
        "{\"tokens\": {\n\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy\": {}}}",
        2, "at most 100 characters, not 101");
    refused("{\"tokens\": {\n\"a\\tb\": {}}}", 2,
            "label \"a\\x09b\": a token's label may not hold control");
    refused("{\"tokens\": {\"a\": {\n\"active\": \"yes\"}}}", 2, "active must be true or false");
    refused("{\"tokens\": {\"a\": {\"description\": \"x\",\n\"description\": \"y\"}}}", 2,
            "appears twice");
    refused(
        "{\"tokens\": {\"a\": {\"resources\": {\"repositories\": {\n\"acme/api\": [\"image-pul\"]}}}}}",
        2, "unknown scope \"image-pul\"");
    refused(
        "{\"tokens\": {\"a\": {\"resources\": {\"repositories\": {\"acme/api\": [\"image-pull\",\n\"scope-image-pull\"]}}}}}",
        2, "appears twice");
    refused(
        "{\"tokens\": {\"a\": {\"resources\": {\"repositories\": {\"acme/api\": [\"image-pull\"],\n\"acme/api\": [\"image-push\"]}}}}}",
        2, "repository \"acme/api\" appears twice");
    refused("{\"tokens\": {\"a\": {\"resources\": {\"repositories\": {\n\"acme/api\": []}}}}}", 2,
            "non-empty array");
    refused(
        "{\"tokens\": {\"a\": {\"resources\": {\"repositories\": {\n\"*/*/public\": [\"image-pull\"]}}}}}",
        2, "public_read");
    refused("{\"tokens\": {\"a\": {\"resources\": {\n\"org\": [\"image-pull\"]}}}}", 2,
            "org: unknown scope");
    refused("{\"tokens\": {\"a\": {\"resources\": {\n\"orgs\": []}}}}", 2, "unknown key \"orgs\"");
    refused("{\"tokens\": {\"a\": {\"resources\": {\n\"public_read\": 1}}}}", 2,
            "public_read must be");
    refused("{\"tokens\": {\"a\": {\n\"secret\": {\"exec\": \"x\", \"out\": \"y\"}}}}", 2,
            "secret must be");
    refused("{\"tokens\": {\"a\": {\"secret\": {\n\"file\": \"y\"}}}}", 2, "secret must be");
    refused("{\"tokens\": {\"a\": {\"secret\": {\n\"out\": \"\"}}}}", 2, "non-empty string");
    refused("{\"tokens\": {\"a\": {\n\"id\": \"x/y\"}}}", 2, "id must be");
    /* A label that also appears as a string value earlier must not confuse the line search. */
    refused("{\"tokens\": {\"b\": {\"description\": \"a\"},\n\"a\": {},\n\"a\": {}}}", 3,
            "label \"a\" appears twice");
}

/* What a reviewer reads in a plan is the file's text: a label, a repository path, an exec or an out
 * holding a character a terminal acts on (escaped in the JSON as much as raw) is refused with its
 * line, and a refusal quotes the file's text escaped. A description may hold one (export carries
 * what the org has); the plan shows it escaped. */
static void test_reviewer_text_refused(void) {
    static const char *const evil[] = {"\\u001b[5A", "\\r",       "\\n::warning::x", "\\t",
                                       "\\u007f",    "\\u009b2J", "\\u2028",         "\\u2029",
                                       "\\u202e",    "\\u2066",   "\\u2069",         "\\u200f",
                                       "\\u061c",    "\xC2\x9B",  "\xE2\x80\xAE"};
    char text[512];
    for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
        snprintf(text, sizeof text, "{\"tokens\": {\n\"a%sb\": {}}}", evil[i]);
        refused(text, 2,
                "label may not hold control, line-break, bidi or other invisible characters");
        snprintf(
            text, sizeof text,
            "{\"tokens\": {\"a\": {\"resources\": {\"repositories\": {\n\"acme/x%s\": [\"image-pull\"]}}}}}",
            evil[i]);
        refused(text, 2, "a path may not hold control");
        snprintf(text, sizeof text,
                 "{\"tokens\": {\"a\": {\"secret\": {\n\"exec\": \"gh secret set X%s\"}}}}",
                 evil[i]);
        refused(text, 2, "secret.exec");
        snprintf(text, sizeof text,
                 "{\"tokens\": {\"a\": {\"secret\": {\n\"out\": \"a%s.token\"}}}}", evil[i]);
        refused(text, 2, "secret.out");
        snprintf(text, sizeof text, "{\"tokens\": {\"a\": {\n\"description\": \"d%s\"}}}", evil[i]);
        dh_manifest_error err;
        dh_manifest *m = parse(text, &err);
        CHECK(m != NULL);
        dh_manifest_free(m);
    }
    /* The refusal's quote of the file is escaped: no ESC, no C1, no U+202E in the message. */
    refused("{\"tokens\": {\"a\": {\n\"x\\u001b]52;c;eA==\\u0007\xC2\x9B\xE2\x80\xAE\": 1}}}", 2,
            "unknown key \"x\\x1b]52;c;eA==\\x07\\x9b\\u202e\"");
    refused("{\"tokens\": {\"a\": {\n\"expires\": \"9\\u001b[2K\"}}}", 2, "not \"9\\x1b[2K\"");
    refused("{\"tokens\": {\"a\": {\"resources\": {\"org\": [\n\"x\\u009b\"]}}}}", 2,
            "unknown scope \"x\\x9b\"");
}

/* Repeated keys cost no more than their length: refused at the second one, whatever follows. */
static void test_repeated_keys_refused_at_the_second(void) {
    size_t n = 70000, len = 0; /* 980 KB: under the cap */
    char *text = malloc(n * 16 + 64);
    CHECK(text != NULL);
    if (!text) return;
    len += (size_t)sprintf(text + len, "{\"tokens\": {\"a\": {\n");
    for (size_t i = 0; i < n; i++) len += (size_t)sprintf(text + len, "\"active\":true,");
    len += (size_t)sprintf(text + len, "\"active\":true}}}");
    dh_manifest_error err;
    dh_manifest *m = dh_manifest_parse(text, len, &err);
    CHECK(m == NULL);
    CHECK(err.line == 2 && strstr(err.message, "the key \"active\" appears twice") != NULL);
    free(text);
}

/* Past 1 MiB the manifest is refused before it is parsed, saying the limit. */
static void test_size_cap(void) {
    size_t len = 1024 * 1024 + 1;
    char *text = malloc(len);
    CHECK(text != NULL);
    if (!text) return;
    memset(text, ' ', len);
    memcpy(text, "{\"tokens\": {}}", 14);
    dh_manifest_error err;
    dh_manifest *m = dh_manifest_parse(text, len, &err);
    CHECK(m == NULL && strstr(err.message, "1048577 bytes; at most 1048576") != NULL);
    m = dh_manifest_parse(text, len - 1, &err);
    CHECK(m != NULL);
    dh_manifest_free(m);
    free(text);
}

static void test_bom_and_crlf(void) {
    refused("\xEF\xBB\xBF{\r\n\"tokens\": {\r\n\"a\": {},\r\n\"a\": {}}}", 4, "appears twice");
    refused("\xEF\xBB\xBF\xEF\xBB\xBF{\"tokens\": {\"a\": {}}}", 1,
            "not valid JSON"); /* found by fuzz_manifest */
    dh_manifest_error err;
    dh_manifest *m = parse("\xEF\xBB\xBF{\"tokens\": {}}", &err);
    CHECK(m && m->count == 0);
    dh_manifest_free(m);
}

static void test_rfc3339_to_unix(void) {
    int64_t t;
    CHECK(dh_parse_rfc3339("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
    CHECK(dh_parse_rfc3339("2026-12-01T20:01:30.123456Z", &t) == 0 && t == 1796155290);
    CHECK(dh_parse_rfc3339("2000-03-01T00:00:00-05:00", &t) == 0 && t == 951886800);
    CHECK(dh_parse_rfc3339("2000-02-30T00:00:00Z", &t) == -1);
    CHECK(dh_parse_rfc3339(NULL, &t) == -1);
}

TEST_GROUP(manifest_tests) = {
    {"full", test_full},
    {"expiry_forms", test_expiry_forms},
    {"expiry_capped", test_expiry_capped},
    {"syntax_errors_name_the_line", test_syntax_errors_name_the_line},
    {"semantic_errors_name_the_line", test_semantic_errors_name_the_line},
    {"reviewer_text_refused", test_reviewer_text_refused},
    {"repeated_keys_refused_at_the_second", test_repeated_keys_refused_at_the_second},
    {"size_cap", test_size_cap},
    {"bom_and_crlf", test_bom_and_crlf},
    {"rfc3339_to_unix", test_rfc3339_to_unix},
    END_GROUP,
};
