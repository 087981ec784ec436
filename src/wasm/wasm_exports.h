/* The entry points the JS bindings call, of both modules: src/wasm/exports.txt lists them once
 * (the link and tests/package/exports.test.js read it). Core: wasm_exports.c; tools: wasm_plan.c,
 * wasm_audit.c; both: wasm_heap.c. */
#ifndef DH_WASM_EXPORTS_H
#define DH_WASM_EXPORTS_H
#include <stddef.h>
#include <stdint.h>

#include "dockerhub_oat.h"

/* NULL when refused; dhw_last_error() says why (static). Free with dhw_client_free. */
dh_client *dhw_client_new(const char *base_url, const char *bearer, const char *identifier,
                          const char *secret, int use_token_function, uint32_t timeout_ms,
                          int max_retries, double max_response_bytes);
/* The JS token function's answer to dh_js_need_token (a JWT, or NULL and why not). */
void dhw_token_ready(dh_client *c, const char *jwt, const char *why_not);
/* Delivers `aborted` for call_id now, if it is in flight. */
int dhw_cancel(dh_client *c, int call_id);
/* Delivers call_id once per page; `more` says another page follows, fetched by dhw_list_all_next.
 */
void dhw_list_all(dh_client *c, int call_id, const char *org, int page_size);
int dhw_list_all_next(dh_client *c, int call_id);
const char *dhw_last_error(void);
void dhw_client_free(dh_client *c);
/* Each delivers call_id exactly once through dh_js_deliver, possibly before returning. */
void dhw_list(dh_client *c, int call_id, const char *org, int page, int page_size);
void dhw_get(dh_client *c, int call_id, const char *org, const char *id);
void dhw_delete(dh_client *c, int call_id, const char *org, const char *id);
void dhw_create(dh_client *c, int call_id, const char *org, const char *body_json);
void dhw_update(dh_client *c, int call_id, const char *org, const char *id, const char *body_json);
/* `text` with every run of the n secrets (one after another, each NUL-terminated), and with c
 * (or NULL) of client c's own secrets and the tokens it made, redacted by the core's one redactor,
 * the rule of src/core/redact.c; every one of them counts. A malloc'd
 * copy (free it), NULL on oom. */
char *dhw_redact(dh_client *c, const char *text, const char *secrets, int n);
/* Bytes the allocator has handed out and not got back (the module's own heap). */
size_t dhw_heap_in_use(void);
/* Tools: malloc'd JSON in the tools' envelope ({"ok": ...} or {"error": {"line", "message"}});
 * NULL only when out of memory. The caller frees it. */
char *dhw_plan(const char *manifest, const char *org, const char *tokens_json, double now,
               int prune);
char *dhw_audit(const char *json);
#endif
