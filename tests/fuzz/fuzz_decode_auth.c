/* dh_decode_auth: any bytes as the sign-in answer; what it returns must be sendable as a header. */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *body = fuzz_copy(data, size);
    const char *why = NULL;
    char *jwt = dh_decode_auth(body, size, &why);
    if (jwt) {
        FUZZ_CHECK(why == NULL);
        FUZZ_CHECK(dh_check_header_value(jwt) == NULL);
        (void)dh_jwt_exp(jwt);
    } else {
        FUZZ_CHECK(why && *why);
    }
    dh_wipe_free(jwt);
    free(body);
    return 0;
}
