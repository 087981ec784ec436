/* The create and update targets' shared property: what decodes and validates must encode, and
 * the encoding must read back as the same request (a fixed point after one round). Include it
 * after defining REQ_TYPE, REQ_FROM_JSON, REQ_CHECK and REQ_ENCODE. */
#ifndef DH_FUZZ_ROUND_TRIP_H
#define DH_FUZZ_ROUND_TRIP_H

#include "cJSON.h"
#include "fuzz.h"
#include "internal.h"
#include "request_json.h"

static char *round_trip(const char *json, bool *valid) {
    dh_request_json *held = NULL;
    REQ_TYPE req;
    char *out = NULL;
    *valid = false;
    const char *why = REQ_FROM_JSON(json, &held, &req);
    if (!held) abort();
    if (!why && !REQ_CHECK(&req)) {
        *valid = true;
        /* Docker Hub knows no scope without the prefix: none passes the check. */
        for (size_t i = 0; i < req.resource_count; i++)
            for (size_t j = 0; j < req.resources[i].scope_count; j++)
                FUZZ_CHECK(strncmp(req.resources[i].scopes[j], "scope-", 6) == 0);
        out = REQ_ENCODE(&req);
        FUZZ_CHECK(out != NULL);
    }
    dh_request_json_free(held);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *json = fuzz_cstr(data, size);
    bool valid;
    char *once = round_trip(json, &valid);
    if (once) {
        char *twice = round_trip(once, &valid);
        if (!valid) fprintf(stderr, "encoded: %s\n", once);
        FUZZ_CHECK(valid && twice);
        char *thrice = round_trip(twice, &valid);
        FUZZ_CHECK(valid && thrice);
        FUZZ_CHECK(strcmp(twice, thrice) == 0);
        free(twice);
        free(thrice);
    }
    free(once);
    free(json);
    return 0;
}
#endif
