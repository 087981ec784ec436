/* The audit's WASM entry point: JSON in (the tokens with their resources, the clock and the
 * windows), JSON out (findings and summary), computed by the core's rules (src/tools/audit.c). It
 * is synchronous: JS fetched the tokens already. In the tools module (src/wasm/exports.txt), apart
 * from the HTTP operations of the core. */
#include <emscripten/emscripten.h>
#include <stdlib.h>
#include <string.h>

#include "dockerhub_oat_audit.h"
#include "internal.h"
#include "wasm_exports.h"

/* Returns a malloc'd JSON string the caller frees with _free, in the tools' one envelope
 * (bindings/tools/tools.js): {"ok": {...}} with the audit, or {"error": {"line": 0, "message":
 * "why"}} when the input was refused. NULL only when out of memory. */

EMSCRIPTEN_KEEPALIVE char *dhw_audit(const char *json) {
    const char *why = NULL;
    char *result = dh_audit_json(json, strlen(json), &why);
    dh_buf b = {0};
    if (result) {
        dh_buf_puts(&b, "{\"ok\":");
        dh_buf_puts(&b, result);
    } else {
        dh_buf_puts(&b, "{\"error\":{\"line\":0,\"message\":");
        dh_buf_json_string(&b, why);
        dh_buf_puts(&b, "}");
    }
    dh_buf_puts(&b, "}");
    free(result);
    return dh_buf_take(&b);
}
