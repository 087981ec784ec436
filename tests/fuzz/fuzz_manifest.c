/* dh_manifest_parse and dh_plan_make on any bytes. A refusal names a line inside the text; an
 * accepted manifest has unique labels in increasing lines, plans as one create per token
 * against an empty org (or is refused for a repository of another org, a date in the past or past
 * what Docker Hub takes), and its plan's JSON parses. What a reviewer reads holds no control
 * character: an accepted label, repository path, exec or out has none. */
#include "cJSON.h"
#include "dockerhub_oat_manifest.h"
#include "fuzz.h"
#include "internal.h"

static int lines_in(const uint8_t *data, size_t size) {
    int n = 1;
    for (size_t i = 0; i < size; i++) n += data[i] == '\n';
    return n;
}

static bool has_control(const char *s) {
    for (const unsigned char *c = (const unsigned char *)s; c && *c; c++)
        if (*c < 0x20 || *c == 0x7f || (*c == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F)) return true;
    return false;
}

static void check_plan(const dh_manifest *m) {
    dh_manifest_error err;
    dh_plan *p = dh_plan_make(m, "acme", NULL, 0, 1796155290, 1, &err);
    bool by_id = false;
    for (size_t i = 0; i < m->count; i++) by_id |= m->tokens[i].id != NULL;
    if (!p) { /* an empty org has no token of that id; or what Docker Hub would refuse */
        FUZZ_CHECK(strstr(err.message, "no token with id") ||
                   strstr(err.message, "is not in acme") || strstr(err.message, "is in the past") ||
                   strstr(err.message, "past what Docker Hub takes"));
        FUZZ_CHECK(err.line >= 1);
        return;
    }
    FUZZ_CHECK(!by_id);
    FUZZ_CHECK(p->count == m->count && p->changes == m->count);
    for (size_t i = 0; i < p->count; i++) FUZZ_CHECK(p->steps[i].kind == DH_STEP_CREATE);
    char *json = dh_plan_to_json(p);
    FUZZ_CHECK(json != NULL);
    cJSON *doc = cJSON_Parse(json);
    FUZZ_CHECK(doc != NULL);
    FUZZ_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "steps")) == (int)m->count);
    cJSON_Delete(doc);
    free(json);
    dh_plan_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_copy(data, size);
    dh_manifest_error err;
    dh_manifest *m = dh_manifest_parse(text, size, &err);
    if (!m) {
        FUZZ_CHECK(err.message[0] != '\0');
        FUZZ_CHECK(err.line >= 0 && err.line <= lines_in(data, size));
    } else {
        for (size_t i = 0; i < m->count; i++) {
            FUZZ_CHECK(m->tokens[i].line >= 1 && m->tokens[i].line <= lines_in(data, size));
            FUZZ_CHECK(i == 0 || m->tokens[i].line >= m->tokens[i - 1].line);
            for (size_t j = 0; j < i; j++)
                FUZZ_CHECK(strcmp(m->tokens[i].label, m->tokens[j].label) != 0);
            FUZZ_CHECK(!has_control(m->tokens[i].label) &&
                       !has_control(m->tokens[i].secret_target));
            for (size_t r = 0; r < m->tokens[i].repo_count; r++)
                FUZZ_CHECK(!has_control(m->tokens[i].repos[r].path));
            FUZZ_CHECK(m->tokens[i].expiry != DH_EXPIRY_DAYS || m->tokens[i].expiry_days <= 365);
        }
        check_plan(m);
        dh_manifest_free(m);
    }
    free(text);
    return 0;
}
