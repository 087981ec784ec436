/* The plan's diff: create, update, replace (the expiry rule), delete with prune, unmanaged, and
 * the refusals that keep a plan from guessing. */
#include <stdlib.h>

#include "cJSON.h"
#include "dockerhub_oat_manifest.h"
#include "internal.h"
#include "test.h"

#define NOW 1796155290 /* 2026-12-01T20:01:30Z */
#define DAY 86400

static const char *const pull[] = {"scope-image-pull"};
static const char *const member[] = {"scope-member-read"};
static const dh_resource ci_res[] = {{"TYPE_REPO", "acme/api", pull, 1},
                                     {"TYPE_ORG", "acme", member, 1}};

static const char ci_manifest[] =
    "{\"tokens\": {\"ci\": {\"description\": \"CI\", \"expires\": \"90d\",\n"
    "  \"resources\": {\"org\": [\"member-read\"], \"repositories\": {\"acme/api\": [\"image-pull\"]}}}}}";

/* A token made `age` days ago that expires `span` days after its creation (-1: never). */
static dh_token token(const char *id, const char *label, const char *created, const char *expires) {
    return (dh_token){.id = id,
                      .label = label,
                      .description = "CI",
                      .is_active = 1,
                      .created_at = created,
                      .expires_at = expires,
                      .resources = ci_res,
                      .resource_count = 2};
}

static dh_plan *plan(const char *manifest, const dh_token *t, size_t n, int prune, dh_manifest **m,
                     dh_manifest_error *err) {
    *m = dh_manifest_parse(manifest, strlen(manifest), err);
    CHECK(*m != NULL);
    if (!*m) {
        fprintf(stderr, "  %s\n", err->message);
        return NULL;
    }
    return dh_plan_make(*m, "acme", t, n, NOW, prune, err);
}

static void test_no_change(void) {
    /* created 2026-10-01T10:00:00Z, + 90 days = 2026-12-30T10:00:00Z */
    dh_token t = token("t1", "ci", "2026-10-01T10:00:00.123456Z", "2026-12-30T10:00:00.123456Z");
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p = plan(ci_manifest, &t, 1, 0, &m, &err);
    CHECK(p && p->count == 1 && p->changes == 0 && p->steps[0].kind == DH_STEP_UNCHANGED);
    dh_plan_free(p);
    dh_manifest_free(m);
}

/* 90d within a day of created_at + 90 days is the same expiry; beyond, a replace. */
static void test_relative_expiry_tolerance(void) {
    static const struct {
        const char *expires;
        dh_step_kind kind;
    } cases[] = {{"2026-12-30T10:00:00Z", DH_STEP_UNCHANGED},
                 {"2026-12-31T09:59:00Z", DH_STEP_UNCHANGED},
                 {"2026-12-29T10:00:00Z", DH_STEP_UNCHANGED},
                 {"2026-12-31T10:00:01Z", DH_STEP_REPLACE},
                 {"2026-12-29T09:59:59Z", DH_STEP_REPLACE},
                 {NULL, DH_STEP_REPLACE},
                 {"garbage", DH_STEP_REPLACE}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dh_token t = token("t1", "ci", "2026-10-01T10:00:00Z", cases[i].expires);
        dh_manifest *m;
        dh_manifest_error err;
        dh_plan *p = plan(ci_manifest, &t, 1, 0, &m, &err);
        CHECK(p && p->steps[0].kind == cases[i].kind);
        if (p && cases[i].kind == DH_STEP_REPLACE) {
            CHECK(p->steps[0].changes == DH_CHANGE_EXPIRY);
            CHECK_STR(p->steps[0].expires_at, "2027-03-01T20:01:30Z"); /* now + 90 days */
        }
        dh_plan_free(p);
        dh_manifest_free(m);
    }
}

static void test_absolute_and_never(void) {
    dh_token t = token("t1", "ci", "2026-10-01T10:00:00Z", "2027-01-31T00:00:30.5Z");
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p = plan(
        "{\"tokens\": {\"ci\": {\"description\": \"CI\", \"expires\": \"2027-01-31\", \"resources\":"
        "{\"org\": [\"member-read\"], \"repositories\": {\"acme/api\": [\"image-pull\"]}}}}}",
        &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_UNCHANGED);
    dh_plan_free(p);
    dh_manifest_free(m);
    p = plan(
        "{\"tokens\": {\"ci\": {\"description\": \"CI\", \"expires\": \"2027-02-01\", \"resources\":"
        "{\"org\": [\"member-read\"], \"repositories\": {\"acme/api\": [\"image-pull\"]}}}}}",
        &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_REPLACE);
    if (p) CHECK_STR(p->steps[0].expires_at, "2027-02-01T00:00:00Z");
    dh_plan_free(p);
    dh_manifest_free(m);
    p = plan(
        "{\"tokens\": {\"ci\": {\"description\": \"CI\", \"expires\": \"never\", \"resources\":"
        "{\"org\": [\"member-read\"], \"repositories\": {\"acme/api\": [\"image-pull\"]}}}}}",
        &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_REPLACE && p->steps[0].expires_at == NULL);
    dh_plan_free(p);
    dh_manifest_free(m);
}

static void test_update_fields(void) {
    static const char *const push_pull[] = {"scope-image-push", "scope-image-pull"};
    dh_resource other[] = {{"TYPE_ORG", "acme", member, 1},
                           {"TYPE_REPO", "acme/api", push_pull, 2}};
    dh_token t = token("t1", "ci", "2026-10-01T10:00:00Z", "2026-12-30T10:00:00Z");
    t.description = NULL;
    t.is_active = 0;
    t.resources = other;
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p = plan(ci_manifest, &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_UPDATE && p->changes == 1);
    if (p)
        CHECK(p->steps[0].changes ==
              (DH_CHANGE_DESCRIPTION | DH_CHANGE_RESOURCES | DH_CHANGE_ACTIVE));
    char *json = p ? dh_plan_to_json(p) : NULL;
    cJSON *doc = json ? cJSON_Parse(json) : NULL;
    const cJSON *step = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "steps"), 0);
    const cJSON *req = cJSON_GetObjectItem(step, "request");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(step, "action")), "update");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(req, "is_active")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(req, "description")), "CI");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(req, "resources")) == 2);
    CHECK(cJSON_GetObjectItem(req, "label") == NULL &&
          cJSON_GetObjectItem(req, "expires_at") == NULL);
    cJSON_Delete(doc);
    free(json);
    dh_plan_free(p);
    dh_manifest_free(m);
    /* Same resources and scopes in another order: no change. */
    static const char *const pull_only[] = {"scope-image-pull"};
    dh_resource reordered[] = {{"TYPE_ORG", "acme", member, 1},
                               {"TYPE_REPO", "acme/api", pull_only, 1}};
    t = token("t1", "ci", "2026-10-01T10:00:00Z", "2026-12-30T10:00:00Z");
    t.resources = reordered;
    p = plan(ci_manifest, &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_UNCHANGED);
    dh_plan_free(p);
    dh_manifest_free(m);
}

static void test_create_delete_unmanaged(void) {
    dh_token t[] = {token("t1", "old", "2026-10-01T10:00:00Z", NULL),
                    token("t2", "other", "2026-10-01T10:00:00Z", NULL)};
    for (int prune = 0; prune < 2; prune++) {
        dh_manifest *m;
        dh_manifest_error err;
        dh_plan *p = plan(ci_manifest, t, 2, prune, &m, &err);
        CHECK(p && p->count == 3);
        if (!p) continue;
        CHECK(p->steps[0].kind == DH_STEP_CREATE && p->steps[0].token == NULL);
        CHECK(p->steps[1].kind == (prune ? DH_STEP_DELETE : DH_STEP_UNMANAGED) &&
              p->steps[1].token == &t[0]);
        CHECK(p->steps[2].kind == (prune ? DH_STEP_DELETE : DH_STEP_UNMANAGED) &&
              p->steps[2].token == &t[1]);
        CHECK(p->changes == (size_t)(prune ? 3 : 1));
        char *json = dh_plan_to_json(p);
        cJSON *doc = json ? cJSON_Parse(json) : NULL;
        CHECK(doc != NULL);
        const cJSON *req = cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "steps"), 0), "request");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(req, "label")), "ci");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(req, "expires_at")),
                  "2027-03-01T20:01:30Z");
        const cJSON *res = cJSON_GetObjectItem(req, "resources");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(res, 0), "path")),
                  "acme/api");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(res, 1), "type")),
                  "TYPE_ORG");
        CHECK(cJSON_IsNumber(cJSON_GetObjectItem(doc, "changes")));
        cJSON_Delete(doc);
        free(json);
        dh_plan_free(p);
        dh_manifest_free(m);
    }
}

static void test_refusals(void) {
    dh_token two[] = {token("t1", "ci", "2026-10-01T10:00:00Z", NULL),
                      token("t2", "ci", "2026-10-02T10:00:00Z", NULL)};
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p = plan(ci_manifest, two, 2, 0, &m, &err);
    CHECK(p == NULL && err.line == 1 &&
          strstr(err.message, "two tokens labelled \"ci\" (t1 and t2)"));
    dh_manifest_free(m);
    /* By id, the one to keep is named: the other is unmanaged. */
    p = plan("{\"tokens\": {\"ci\": {\"id\": \"t2\"}}}", two, 2, 0, &m, &err);
    CHECK(p == NULL && strstr(err.message, "token t1 holds that label too"));
    dh_manifest_free(m);
    p = plan("{\"tokens\": {\n\"ci\": {\"id\": \"t9\"}}}", two, 2, 0, &m, &err);
    CHECK(p == NULL && err.line == 2 && strstr(err.message, "no token with id t9"));
    dh_manifest_free(m);
    p = plan("{\"tokens\": {\"ci\": {\"id\": \"t1\"}, \"x\": {\"id\": \"t1\"}}}", two, 2, 0, &m,
             &err);
    CHECK(p == NULL && strstr(err.message, "same token"));
    dh_manifest_free(m);
    dh_manifest_error e2;
    CHECK(dh_plan_make(NULL, "acme", NULL, 0, NOW, 0, &e2) == NULL && e2.message[0]);
}

/* What Docker Hub would refuse is refused before any change, naming the line. */
static void test_refused_before_any_change(void) {
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p = plan(
        "{\"tokens\": {\"ci\": {\"resources\": {\"repositories\": {\"acme/api\": [\"image-pull\"],\n"
        "\"globex/app\": [\"image-pull\"]}}}}}",
        NULL, 0, 0, &m, &err);
    CHECK(p == NULL && err.line == 2 &&
          strstr(err.message, "repository \"globex/app\" is not in acme"));
    dh_manifest_free(m);
    p = plan(
        "{\"tokens\": {\"ci\": {\"resources\": {\"repositories\": {\"acmex/api\": [\"image-pull\"]}}}}}",
        NULL, 0, 0, &m, &err);
    CHECK(p == NULL && strstr(err.message, "not in acme"));
    dh_manifest_free(m);
    p = plan(
        "{\"tokens\": {\"ci\": {\"resources\": {\"repositories\": {\"ACME/api\": [\"image-pull\"], \"acme/*\": [\"image-pull\"]}}}}}",
        NULL, 0, 0, &m, &err);
    CHECK(p != NULL);
    dh_plan_free(p);
    dh_manifest_free(m);
    p = plan("{\"tokens\": {\n\"ci\": {\"expires\": \"2026-11-30\"}}}", NULL, 0, 0, &m, &err);
    CHECK(p == NULL && err.line == 2 && strstr(err.message, "expires 2026-11-30 is in the past"));
    dh_manifest_free(m);
    /* An existing token that expired as the file says is left alone: no create, no refusal. */
    dh_token t = token("t1", "ci", "2026-10-01T10:00:00Z", "2026-11-30T00:00:00Z");
    t.description = "";
    t.resource_count = 0;
    p = plan("{\"tokens\": {\"ci\": {\"expires\": \"2026-11-30\"}}}", &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_UNCHANGED);
    dh_plan_free(p);
    dh_manifest_free(m);
}

/* A date past what Docker Hub takes is refused for a token to create (an existing one that already
 * has it is left alone); the clock is refused out of 1970-3000, so no time arithmetic overflows.
 * The extremes run under UBSan in the sanitized build. */
static void test_expiry_cap_and_clock_range(void) {
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p =
        plan("{\"tokens\": {\n\"ci\": {\"expires\": \"2027-12-02\"}}}", NULL, 0, 0, &m, &err);
    CHECK(p == NULL && err.line == 2 && strstr(err.message, "past what Docker Hub takes"));
    dh_manifest_free(m);
    p = plan("{\"tokens\": {\n\"ci\": {\"expires\": \"9999-12-31T23:59:59-23:59\"}}}", NULL, 0, 0,
             &m, &err);
    CHECK(p == NULL && err.line == 2 && strstr(err.message, "past what Docker Hub takes"));
    dh_manifest_free(m);
    p = plan("{\"tokens\": {\"ci\": {\"expires\": \"2027-11-30\"}}}", NULL, 0, 0, &m, &err);
    CHECK(p != NULL && p->steps[0].expires_at &&
          strcmp(p->steps[0].expires_at, "2027-11-30T00:00:00Z") == 0);
    dh_plan_free(p);
    dh_manifest_free(m);
    dh_token t = token("t1", "ci", "2026-10-01T10:00:00Z", "9999-12-31T23:59:59Z");
    t.description = "";
    t.resource_count = 0;
    p = plan("{\"tokens\": {\"ci\": {\"expires\": \"9999-12-31T23:59:59Z\"}}}", &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_UNCHANGED);
    dh_plan_free(p);
    /* A relative expiry against the farthest dates a token can carry: compared, never overflowed.
     */
    static const char *const dates[] = {"0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"};
    dh_manifest_free(m);
    static const char one_year[] = "{\"tokens\": {\"ci\": {\"expires\": \"1y\"}}}";
    m = dh_manifest_parse(one_year, strlen(one_year), &err);
    CHECK(m != NULL);
    for (size_t i = 0; m && i < 2; i++)
        for (size_t j = 0; j < 2; j++) {
            t = token("t1", "ci", dates[i], dates[j]);
            for (int64_t now = 0; now <= INT64_C(32503680000); now += INT64_C(32503680000)) {
                p = dh_plan_make(m, "acme", &t, 1, now, 0, &err);
                CHECK(p != NULL);
                dh_plan_free(p);
            }
        }
    static const int64_t bad_now[] = {-1, INT64_C(32503680001), INT64_MAX, INT64_MIN};
    for (size_t i = 0; m && i < sizeof bad_now / sizeof *bad_now; i++) {
        p = dh_plan_make(m, "acme", NULL, 0, bad_now[i], 0, &err);
        CHECK(p == NULL && strstr(err.message, "clock"));
    }
    dh_manifest_free(m);
}

/* An id renames: the label is an update. */
static void test_rename_by_id(void) {
    dh_token t = token("t1", "old-name", "2026-10-01T10:00:00Z", "2026-12-30T10:00:00Z");
    dh_manifest *m;
    dh_manifest_error err;
    dh_plan *p = plan(
        "{\"tokens\": {\"ci\": {\"id\": \"t1\", \"description\": \"CI\", \"expires\": \"90d\", \"resources\":"
        "{\"org\": [\"member-read\"], \"repositories\": {\"acme/api\": [\"image-pull\"]}}}}}",
        &t, 1, 0, &m, &err);
    CHECK(p && p->steps[0].kind == DH_STEP_UPDATE && p->steps[0].changes == DH_CHANGE_LABEL);
    dh_plan_free(p);
    dh_manifest_free(m);
}

/* rotate_every: due from created_at; a token that old is a rotate step with the entry's new
 * expiry, a younger one is unchanged and says when it is due; a bad interval is refused. */
static void test_rotate_every(void) {
    static const char fmt[] =
        "{\"tokens\": {\"ci\": {\"description\": \"CI\", \"expires\": \"90d\", \"rotate_every\": \"%s\","
        "\"resources\": {\"org\": [\"member-read\"], \"repositories\": {\"acme/api\": [\"image-pull\"]}}}}}";
    static const struct {
        const char *every;
        dh_step_kind kind;
        const char *due;
    } cases[] = {
        {"60d", DH_STEP_ROTATE,
         "2026-11-30T10:00:00Z"}, /* created 2026-10-01: due the day before NOW */
        {"61d", DH_STEP_ROTATE, "2026-12-01T10:00:00Z"},   /* due 10:00, NOW is 20:01: due */
        {"9w", DH_STEP_UNCHANGED, "2026-12-03T10:00:00Z"}, /* 63 days: not yet */
    };
    dh_token t = token("t1", "ci", "2026-10-01T10:00:00Z", "2026-12-30T10:00:00Z");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[400];
        (void)snprintf(text, sizeof text, fmt, cases[i].every);
        dh_manifest *m;
        dh_manifest_error err;
        dh_plan *p = plan(text, &t, 1, 0, &m, &err);
        dh_step_kind want = cases[i].kind;
        CHECK(p && p->steps[0].kind == want);
        if (p) CHECK_STR(p->steps[0].rotation_due, cases[i].due);
        if (p && want == DH_STEP_ROTATE) CHECK(p->changes == 1 && p->steps[0].expires_at != NULL);
        dh_plan_free(p);
        dh_manifest_free(m);
    }
    dh_manifest_error err;
    char bad[400];
    (void)snprintf(bad, sizeof bad, fmt, "2027-01-01");
    CHECK(dh_manifest_parse(bad, strlen(bad), &err) == NULL && err.line == 1);
}

TEST_GROUP(plan_tests) = {
    {"rotate_every", test_rotate_every},
    {"no_change", test_no_change},
    {"relative_expiry_tolerance", test_relative_expiry_tolerance},
    {"absolute_and_never", test_absolute_and_never},
    {"update_fields", test_update_fields},
    {"create_delete_unmanaged", test_create_delete_unmanaged},
    {"refusals", test_refusals},
    {"rename_by_id", test_rename_by_id},
    {"refused_before_any_change", test_refused_before_any_change},
    {"expiry_cap_and_clock_range", test_expiry_cap_and_clock_range},
    END_GROUP,
};
