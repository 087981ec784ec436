/* dh_jwt_exp: any string as a JWT. */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *jwt = fuzz_cstr(data, size);
    int64_t exp = dh_jwt_exp(jwt);
    FUZZ_CHECK(exp == -1 || (exp >= 0 && exp < 1000000000000000LL));
    free(jwt);
    return 0;
}
