/* The audit's WASM entry point: JSON in (the tokens with their resources, the clock and the
 * windows), JSON out (findings and summary), computed by the core's rules (src/audit.c). It is
 * synchronous: JS fetched the tokens already. Kept apart from wasm_exports.c, which holds the
 * HTTP operations. */
#include <emscripten/emscripten.h>
#include <stdlib.h>

#include "dockerhub_oat_audit.h"
#include "internal.h"

/* Returns a malloc'd JSON string the caller frees with _free: {"ok": {...}} with the audit, or
 * {"error": "why"} when the input was refused. NULL only when out of memory. (The prototype is
 * here rather than in wasm_exports.h: JS is the only caller.) */
char *dhw_audit(const char *json, size_t len);

EMSCRIPTEN_KEEPALIVE char *dhw_audit(const char *json, size_t len) {
    const char *why = NULL;
    char *result = dh_audit_json(json, len, &why);
    dh_buf b = {0};
    if (result) {
        dh_buf_puts(&b, "{\"ok\":");
        dh_buf_puts(&b, result);
    } else {
        dh_buf_puts(&b, "{\"error\":");
        dh_buf_json_string(&b, why);
    }
    dh_buf_puts(&b, "}");
    free(result);
    return dh_buf_take(&b);
}
