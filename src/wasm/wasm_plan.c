/* The WASM entry point of tokens as code (src/tools/manifest.c, src/tools/plan.c), in the tools
 * module: one synchronous call, no request. JS hands over the manifest's text and the org's tokens,
 * and gets the tools' one envelope back (bindings/tools/tools.js reads it): {"ok": plan}
 * (dh_plan_to_json), or
 * {"error": {"line": N, "message": "..."}}. */
#include <emscripten/emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "dockerhub_oat_manifest.h"
#include "internal.h"
#include "wasm_exports.h"

static char *error_doc(const dh_manifest_error *err) {
    dh_buf b = {0};
    dh_buf_puts(&b, "{\"error\":{\"line\":");
    dh_buf_int(&b, err->line);
    dh_buf_puts(&b, ",\"message\":");
    dh_buf_json_string(&b, err->message);
    dh_buf_puts(&b, "}}");
    return dh_buf_take(&b);
}

/* The refusal when memory ran out, at line 0 (no line of the manifest is to blame). */
static char *oom(void) {
    dh_manifest_error err = {0};
    (void)snprintf(err.message, sizeof err.message, "%s", DH_OOM_MESSAGE);
    return error_doc(&err);
}

/* {"ok": doc}; takes doc (NULL: out of memory). */
static char *ok_doc(char *doc) {
    if (!doc) return NULL;
    dh_buf b = {0};
    dh_buf_puts(&b, "{\"ok\":");
    dh_buf_puts(&b, doc);
    dh_buf_puts(&b, "}");
    free(doc);
    return dh_buf_take(&b);
}

/* tokens_json: {"results": [token, ...]} with each token's resources (a GET's answer), or NULL
 * to check the manifest only (then the answer is {"ok": {}} when it is sound). `now` is unix
 * seconds. Returns a malloc'd document; the caller frees it with free(). */
EMSCRIPTEN_KEEPALIVE char *dhw_plan(const char *manifest, const char *org, const char *tokens_json,
                                    double now, int prune) {
    dh_manifest_error err = {0};
    dh_manifest *m = dh_manifest_parse(manifest, manifest ? strlen(manifest) : 0, &err);
    if (!m) return error_doc(&err);
    char *out = NULL;
    dh_arena *a = tokens_json ? dh_arena_new() : NULL;
    cJSON *root = NULL;
    dh_token_page page;
    if (!tokens_json) {
        out = dh_strdup("{\"ok\":{}}");
    } else if (!a) {
        out = oom();
    } else {
        const char *why = dh_decode_page(tokens_json, strlen(tokens_json), a, &root, &page);
        if (why) {
            (void)snprintf(err.message, sizeof err.message, "the organization's tokens: %s", why);
            out = error_doc(&err);
        } else {
            /* Out of int64's range the cast is undefined: -1 is refused by dh_plan_make like any
             * clock out of range. */
            int64_t secs = now >= 0 && now < 9e15 ? (int64_t)now : -1;
            dh_plan *p = dh_plan_make(m, org, page.results, page.count, secs, prune, &err);
            out = p ? ok_doc(dh_plan_to_json(p)) : error_doc(&err);
            dh_plan_free(p);
        }
    }
    dh_arena_free(a); /* the page's tree (root) with it: never cJSON_Delete an arena tree */
    dh_manifest_free(m);
    return out ? out : oom();
}
