/* The entry points the JS bindings call (bindings/client.js); see wasm_exports.c. */
#ifndef DH_WASM_EXPORTS_H
#define DH_WASM_EXPORTS_H
#include <stddef.h>
#include <stdint.h>

#include "dockerhub_oat.h"

/* NULL when refused; dhw_last_error() says why (static). Free with dhw_client_free. */
dh_client *dhw_client_new(const char *base_url, const char *bearer, const char *identifier,
                          const char *secret, uint32_t timeout_ms);
const char *dhw_last_error(void);
void dhw_client_free(dh_client *c);
int dhw_set_bearer(dh_client *c, const char *bearer);
/* Each settles call_id exactly once through dh_js_settle, possibly before returning. */
void dhw_list(dh_client *c, int call_id, const char *org, int page, int page_size);
void dhw_get(dh_client *c, int call_id, const char *org, const char *id);
void dhw_delete(dh_client *c, int call_id, const char *org, const char *id);
void dhw_create(dh_client *c, int call_id, const char *org, const char *body_json);
void dhw_update(dh_client *c, int call_id, const char *org, const char *id, const char *body_json);
size_t dhw_heap_in_use(void);
#endif
