/* Create and update requests given as JSON text, the form the JS bindings hand them over in
 * (src/wasm/wasm_exports.c), decoded strictly: a key the API does not take, or a value of the
 * wrong type, is refused. */
#ifndef DH_REQUEST_JSON_H
#define DH_REQUEST_JSON_H
#include "dockerhub_oat.h"

/* What a decoded request borrows: its strings and arrays. */
typedef struct dh_request_json dh_request_json;

/* NULL when `json` is a request, else a static sentence saying why not. *held is set either way
 * (NULL where nothing could be allocated); free it with dh_request_json_free after the call. */
const char *dh_create_request_from_json(const char *json, dh_request_json **held,
                                        dh_create_request *out);
const char *dh_update_request_from_json(const char *json, dh_request_json **held,
                                        dh_update_request *out);
void dh_request_json_free(dh_request_json *held);
#endif
