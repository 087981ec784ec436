/* dh_audit_json: any bytes. Properties: no crash or leak; an answer is a JSON object whose
 * findings each name a token of the input, a known kind and severity, and whose summary counts
 * them; the severities add up to the findings. */
#include "cJSON.h"
#include "dockerhub_oat_audit.h"
#include "fuzz.h"
#include "internal.h"

static bool one_of(const char *s, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) return true;
    return false;
}

static void check_finding(const cJSON *f, int tokens) {
    static const char *const kinds[] = {"expired",  "inactive",  "unused",
                                        "expiring", "no_expiry", "broad"};
    static const char *const severities[] = {"low", "medium", "high"};
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(f, "token_index");
    FUZZ_CHECK(cJSON_IsNumber(index) && index->valuedouble >= 0 && index->valuedouble < tokens);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(f, "kind"),
                *sev = cJSON_GetObjectItemCaseSensitive(f, "severity");
    FUZZ_CHECK(cJSON_IsString(kind) && one_of(kind->valuestring, kinds, 6));
    FUZZ_CHECK(cJSON_IsString(sev) && one_of(sev->valuestring, severities, 3));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *in = fuzz_copy(data, size);
    const char *why = NULL;
    char *out = dh_audit_json(in, size, &why);
    FUZZ_CHECK((out == NULL) == (why != NULL));
    if (out) {
        cJSON *doc = cJSON_Parse(out);
        FUZZ_CHECK(cJSON_IsObject(doc));
        cJSON *input = cJSON_ParseWithLength(in, size);
        int tokens = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(input, "tokens"));
        const cJSON *findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
        for (const cJSON *f = findings ? findings->child : NULL; f; f = f->next)
            check_finding(f, tokens);
        const cJSON *summary = cJSON_GetObjectItemCaseSensitive(doc, "summary");
        FUZZ_CHECK(cJSON_GetObjectItemCaseSensitive(summary, "tokens")->valuedouble == tokens);
        FUZZ_CHECK(cJSON_GetObjectItemCaseSensitive(summary, "findings")->valuedouble ==
                   cJSON_GetArraySize(findings));
        const cJSON *by = cJSON_GetObjectItemCaseSensitive(summary, "by_severity");
        double sum = cJSON_GetObjectItemCaseSensitive(by, "low")->valuedouble +
                     cJSON_GetObjectItemCaseSensitive(by, "medium")->valuedouble +
                     cJSON_GetObjectItemCaseSensitive(by, "high")->valuedouble;
        FUZZ_CHECK(sum == cJSON_GetArraySize(findings));
        cJSON_Delete(input);
        cJSON_Delete(doc);
        free(out);
    }
    free(in);
    return 0;
}
