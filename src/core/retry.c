/* Which failures are worth another try, and how long to wait before it. */
#include "internal.h"

bool dh_is_retryable(dh_op op, dh_http_failure failure, int status) {
    /* The same again each time: a permission, a policy, a certificate, a size, a redirect. */
    if (failure == DH_HTTP_TOO_LARGE || failure == DH_HTTP_HEADERS_TOO_LARGE ||
        failure == DH_HTTP_MALFORMED || failure == DH_HTTP_DENIED || failure == DH_HTTP_BLOCKED ||
        failure == DH_HTTP_TLS || failure == DH_HTTP_REDIRECTED)
        return false;
    /* A create may only be repeated where the server surely did not act: a 429, or a
     * connection refused (or a name unresolved) before anything was sent. Anything else could
     * make two tokens. */
    if (op == DH_OP_CREATE)
        return failure == DH_HTTP_REFUSED || failure == DH_HTTP_DNS ||
               (failure == DH_HTTP_OK && status == 429);
    if (failure != DH_HTTP_OK) return true;
    return status == 429 || status == 502 || status == 503 || status == 504;
}

uint32_t dh_backoff_ms(int attempt, uint32_t base_ms, uint32_t cap_ms, double unit_random) {
    /* Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
    double ceiling = base_ms;
    for (int i = 0; i < attempt && ceiling < cap_ms; i++) ceiling *= 2;
    if (ceiling > cap_ms) ceiling = cap_ms;
    if (unit_random < 0) unit_random = 0;
    if (unit_random > 1) unit_random = 1;
    return (uint32_t)(ceiling * unit_random);
}
