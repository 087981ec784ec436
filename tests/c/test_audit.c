/* The audit's rules on a fixed clock: each kind at and around its threshold, the precedence of
 * expired and inactive, the broad reasons, the summary, and the JSON form the bindings use. */
#include <stdlib.h>

#include "cJSON.h"
#include "dockerhub_oat_audit.h"
#include "internal.h"
#include "test.h"

#define NOW 1796083200 /* 2026-12-01T00:00:00Z */
#define DAY 86400

static const char *const pull[] = {"scope-image-pull"};
static const dh_resource api_pull = {"TYPE_REPO", "acme/api", pull, 1};

static dh_token token(const char *id, const char *created, const char *expires, const char *used) {
    return (dh_token){.id = id,
                      .label = id,
                      .is_active = 1,
                      .created_at = created,
                      .expires_at = expires,
                      .last_used_at = used,
                      .resources = &api_pull,
                      .resource_count = 1};
}

static dh_audit_result audit(const dh_token *t, size_t n, int unused, int expiring, int64_t limit) {
    dh_audit_result r;
    dh_audit_options o = {
        .now = NOW, .unused_days = unused, .expiring_days = expiring, .limit = limit};
    CHECK(dh_audit_tokens(t, n, &o, &r) == DH_OK);
    return r;
}

/* How many findings of `kind` the token at `index` has. */
static size_t count(const dh_audit_result *r, size_t index, dh_audit_kind kind) {
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += r->findings[i].token_index == index && r->findings[i].kind == kind;
    return n;
}

static const dh_audit_finding *find(const dh_audit_result *r, size_t index, dh_audit_kind kind) {
    for (size_t i = 0; i < r->count; i++)
        if (r->findings[i].token_index == index && r->findings[i].kind == kind)
            return &r->findings[i];
    return NULL;
}

static void parses_dates(void) {
    int64_t t = 0;
    CHECK(dh_parse_rfc3339("2026-12-01T00:00:00Z", &t) == 0 && t == NOW);
    CHECK(dh_parse_rfc3339("2026-12-01T00:00:00.999999Z", &t) == 0 &&
          t == NOW); /* fraction dropped */
    CHECK(dh_parse_rfc3339("2024-02-29T00:00:00+01:00", &t) == 0 && t == 1709161200);
    CHECK(dh_parse_rfc3339("2026-11-30T23:00:00-01:00", &t) == 0 && t == NOW);
    CHECK(dh_parse_rfc3339("1969-12-31T23:59:59Z", &t) == 0 && t == -1);
    CHECK(dh_parse_rfc3339("2026-02-30T00:00:00Z", &t) == -1);
    CHECK(dh_parse_rfc3339("yesterday", &t) == -1);
    CHECK(dh_parse_rfc3339(NULL, &t) == -1);
}

static void unused_at_the_threshold(void) {
    dh_token t[] = {
        token("used-89d", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", "2026-09-02T00:00:01Z"),
        token("used-90d", "2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z",
              "2026-09-02T00:00:00.504110Z"),
        token("never-old", "2026-08-01T00:00:00Z", "2027-06-01T00:00:00Z", NULL),
        token("never-new", "2026-11-01T00:00:00Z", "2027-06-01T00:00:00Z", NULL),
    };
    dh_audit_result r = audit(t, 4, 90, 14, 0);
    CHECK(count(&r, 0, DH_AUDIT_UNUSED) == 0);
    const dh_audit_finding *f = find(&r, 1, DH_AUDIT_UNUSED);
    CHECK(f && f->days == 90 && !f->never_used && f->severity == DH_SEVERITY_MEDIUM);
    f = find(&r, 2, DH_AUDIT_UNUSED);
    CHECK(f && f->never_used && f->days == 122 && f->at == NOW - 122 * DAY);
    CHECK(count(&r, 3, DH_AUDIT_UNUSED) == 0);
    dh_audit_result_free(&r);
    r = audit(t, 4, 30, 14, 0); /* a shorter window catches the young never-used token */
    CHECK(count(&r, 3, DH_AUDIT_UNUSED) == 1);
    dh_audit_result_free(&r);
}

static void expiry(void) {
    dh_token t[] = {
        token("in-14d", "2026-06-01T00:00:00Z", "2026-12-15T00:00:00Z", "2026-11-30T00:00:00Z"),
        token("in-15d", "2026-06-01T00:00:00Z", "2026-12-16T00:00:00Z", "2026-11-30T00:00:00Z"),
        token("in-1h", "2026-06-01T00:00:00Z", "2026-12-01T01:00:00Z", "2026-11-30T00:00:00Z"),
        token("never", "2026-06-01T00:00:00Z", NULL, "2026-11-30T00:00:00Z"),
        token("now", "2026-06-01T00:00:00Z", "2026-12-01T00:00:00Z", "2026-11-30T00:00:00Z"),
    };
    dh_audit_result r = audit(t, 5, 90, 14, 0);
    const dh_audit_finding *f = find(&r, 0, DH_AUDIT_EXPIRING);
    CHECK(f && f->days == 14 && f->at == NOW + 14 * DAY);
    CHECK(count(&r, 1, DH_AUDIT_EXPIRING) == 0 && r.findings != NULL);
    f = find(&r, 2, DH_AUDIT_EXPIRING);
    CHECK(f && f->days == 0);
    CHECK(count(&r, 3, DH_AUDIT_NO_EXPIRY) == 1 && count(&r, 3, DH_AUDIT_EXPIRING) == 0);
    /* At the very second of expiry it is expired, and nothing else. */
    f = find(&r, 4, DH_AUDIT_EXPIRED);
    CHECK(f && f->days == 0 && f->at == NOW);
    CHECK(count(&r, 4, DH_AUDIT_EXPIRING) == 0);
    CHECK(r.summary.expired == 1 && r.summary.active == 4);
    dh_audit_result_free(&r);
}

static void expired_and_inactive_say_only_that(void) {
    static const char *const admin[] = {"scope-repository-admin"};
    dh_resource wide = {"TYPE_REPO", "acme/*", admin, 1};
    dh_token t[] = {
        token("expired-off", "2025-01-01T00:00:00Z", "2026-11-01T00:00:00Z", NULL),
        token("off", "2025-01-01T00:00:00Z", NULL, NULL),
    };
    t[0].is_active = 0; /* expired wins: it can never come back */
    t[1].is_active = 0;
    t[0].resources = t[1].resources = &wide;
    dh_audit_result r = audit(t, 2, 90, 14, 0);
    CHECK(r.count == 2);
    const dh_audit_finding *f = find(&r, 0, DH_AUDIT_EXPIRED);
    CHECK(f && f->days == 30 && f->severity == DH_SEVERITY_MEDIUM);
    f = find(&r, 1, DH_AUDIT_INACTIVE);
    CHECK(f && f->severity == DH_SEVERITY_LOW);
    CHECK(r.summary.inactive == 1 && r.summary.expired == 1 && r.summary.active == 0);
    dh_audit_result_free(&r);
}

static void broad_reasons(void) {
    static const char *const repo_admin[] = {"scope-image-pull", "scope-image-delete",
                                             "scope-repository-admin"};
    static const char *const org_rw[] = {"scope-member-read", "scope-member-edit",
                                         "scope-ram-write", "scope-repository-create"};
    static const char *const org_read[] = {"scope-audit_events-read"};
    dh_resource res[] = {
        {"TYPE_REPO", "acme/api", repo_admin, 3},
        {"TYPE_ORG", "acme", org_rw, 4},
        {"TYPE_REPO", "acme/*", pull, 1},
        {"TYPE_REPO", "*/*/public", pull, 1},
    };
    dh_resource read_only[] = {{"TYPE_ORG", "acme", org_read, 1},
                               {"TYPE_REPO", "*/*/public", pull, 1}};
    dh_token t[] = {
        token("wide", "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", "2026-11-30T00:00:00Z"),
        token("narrow", "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", "2026-11-30T00:00:00Z")};
    t[0].resources = res;
    t[0].resource_count = 4;
    t[1].resources = read_only;
    t[1].resource_count = 2;
    dh_audit_result r = audit(t, 2, 90, 14, 0);
    CHECK(count(&r, 0, DH_AUDIT_BROAD) == 5);
    size_t seen = 0;
    for (size_t i = 0; i < r.count; i++) {
        const dh_audit_finding *f = &r.findings[i];
        if (f->kind != DH_AUDIT_BROAD) continue;
        switch (f->reason) {
        case DH_REASON_ADMIN:
            CHECK(f->severity == DH_SEVERITY_HIGH && f->scope_count == 1);
            CHECK_STR(f->scopes[0], "scope-repository-admin");
            seen |= 1;
            break;
        case DH_REASON_DELETE:
            CHECK_STR(f->scopes[0], "scope-image-delete");
            seen |= 2;
            break;
        case DH_REASON_ORG_WRITE:
            CHECK(f->scope_count == 3 && f->severity == DH_SEVERITY_HIGH);
            CHECK_STR(f->path, "acme");
            seen |= 4;
            break;
        case DH_REASON_WILDCARD:
            CHECK_STR(f->path, "acme/*");
            CHECK(f->severity == DH_SEVERITY_MEDIUM);
            seen |= 8;
            break;
        case DH_REASON_PUBLIC_WITH_PRIVATE:
            CHECK(f->severity == DH_SEVERITY_LOW);
            seen |= 16;
            break;
        default: CHECK(0);
        }
    }
    CHECK(seen == 31);
    /* Org reads and public pulls alone are not broad: public read beside no repository is fine. */
    CHECK(count(&r, 1, DH_AUDIT_BROAD) == 0);
    dh_audit_result_free(&r);
}

static void summary_against_the_limit(void) {
    dh_token t[10];
    for (int i = 0; i < 10; i++)
        t[i] = token("t", "2026-11-20T00:00:00Z", "2027-01-01T00:00:00Z", NULL);
    t[9].expires_at = "2026-11-30T00:00:00Z";
    dh_audit_result r = audit(t, 10, 90, 14, 10);
    CHECK(r.summary.tokens == 10 && r.summary.limit == 10 && r.summary.available == 0 &&
          r.summary.at_limit);
    CHECK(r.summary.findings == 1 && r.summary.flagged_tokens == 1 &&
          r.summary.worst == DH_SEVERITY_MEDIUM);
    dh_audit_result_free(&r);
    r = audit(t, 7, 90, 14, 0);
    CHECK(r.summary.limit == -1 && r.summary.available == -1 && !r.summary.at_limit &&
          r.count == 0);
    CHECK(r.summary.worst == 0);
    dh_audit_result_free(&r);
    r = audit(t, 7, 90, 14, 100);
    CHECK(r.summary.available == 93 && !r.summary.at_limit);
    dh_audit_result_free(&r);
}

static void bad_dates_and_arguments(void) {
    dh_token t[] = {token("junk", "not a date", "soon", "a while ago")};
    dh_audit_result r = audit(t, 1, 90, 14, 0);
    CHECK(r.count == 0); /* nothing rests on a date that does not parse; "soon" is not "never" */
    dh_audit_result_free(&r);
    dh_audit_options o = {.now = NOW, .unused_days = -1};
    CHECK(dh_audit_tokens(t, 1, &o, &r) == DH_ERR_INVALID_ARGUMENT && r.findings == NULL);
    CHECK(dh_audit_tokens(NULL, 1, NULL, &r) == DH_ERR_INVALID_ARGUMENT);
    t[0].id = NULL;
    CHECK(dh_audit_tokens(t, 1, NULL, &r) == DH_ERR_INVALID_ARGUMENT);
    CHECK(dh_audit_tokens(NULL, 0, NULL, &r) == DH_OK && r.count == 0);
    dh_audit_result_free(&r);
    CHECK(dh_severity_from_name("medium") == DH_SEVERITY_MEDIUM &&
          dh_severity_from_name("urgent") == 0);
}

static void json_form(void) {
    const char *in =
        "{\"now\":1796083200,\"unused_days\":90,\"expiring_days\":14,\"limit\":3,\"tokens\":["
        "{\"id\":\"a\",\"label\":\"a\",\"is_active\":true,\"created_at\":\"2026-01-01T00:00:00Z\","
        "\"expires_at\":null,\"last_used_at\":null,\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"acme/*\","
        "\"scopes\":[\"scope-image-delete\"]}]},"
        "{\"id\":\"b\",\"label\":\"b\",\"is_active\":false,\"created_at\":\"2026-01-01T00:00:00Z\","
        "\"expires_at\":null,\"last_used_at\":null,\"resources\":[]}]}";
    const char *why = NULL;
    char *out = dh_audit_json(in, strlen(in), &why);
    CHECK(out && !why);
    cJSON *doc = cJSON_Parse(out);
    const cJSON *findings = cJSON_GetObjectItem(doc, "findings");
    CHECK(cJSON_GetArraySize(findings) == 5); /* unused, no_expiry, delete, wildcard; inactive */
    const cJSON *first = cJSON_GetArrayItem(findings, 0);
    CHECK_STR(cJSON_GetObjectItem(first, "kind")->valuestring, "unused");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(first, "never_used")));
    CHECK(cJSON_GetObjectItem(first, "days")->valuedouble == 334);
    const cJSON *summary = cJSON_GetObjectItem(doc, "summary");
    CHECK(cJSON_GetObjectItem(summary, "available")->valuedouble == 1);
    CHECK_STR(cJSON_GetObjectItem(summary, "worst")->valuestring, "high");
    cJSON_Delete(doc);
    free(out);
    const char *bad[] = {"",
                         "[]",
                         "{\"tokens\":{}}",
                         "{\"tokens\":[{\"label\":\"no id\"}]}",
                         "{\"now\":-5,\"tokens\":[]}",
                         "{\"now\":1.5,\"tokens\":[]}",
                         "{\"unused_days\":0,\"tokens\":[]}",
                         "{\"limit\":0,\"tokens\":[]}",
                         "{\"tokens\":["};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        out = dh_audit_json(bad[i], strlen(bad[i]), &why);
        CHECK(out == NULL && why != NULL);
    }
    out = dh_audit_json("{\"tokens\":[],\"limit\":null}", 27, &why);
    CHECK(out && strstr(out, "\"limit\":null"));
    free(out);
}

TEST_GROUP(audit_tests) = {
    {"parses_dates", parses_dates},
    {"unused_at_the_threshold", unused_at_the_threshold},
    {"expiry", expiry},
    {"expired_and_inactive_say_only_that", expired_and_inactive_say_only_that},
    {"broad_reasons", broad_reasons},
    {"summary_against_the_limit", summary_against_the_limit},
    {"bad_dates_and_arguments", bad_dates_and_arguments},
    {"json_form", json_form},
    END_GROUP,
};
