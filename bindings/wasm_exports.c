/* The WASM export layer: the C entry points the JS bindings call, and the one import through
 * which every call settles (dh_js_settle, bindings/library_dh.js) with a JSON document:
 *   {"status": 200, "headers": {...}, "data": ...}                 on success
 *   {"status": 404, "headers": {...}, "error": {"code": ..., ...}} on failure
 * Strings from JS are only read during the call; the core copies what it keeps. */
#include <emscripten/emscripten.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"
#include "transport_fetch.h"
#include "wasm_exports.h"

extern void dh_js_settle(int call_id, const char *json, size_t len, int more);
extern void dh_js_need_token(dh_client *client);

static const char *last_error;

#define USER(call_id) ((void *)(intptr_t)(call_id))

static void add_string(cJSON *o, const char *name, const char *value) {
    if (value) cJSON_AddStringToObject(o, name, value);
}

static void add_json(cJSON *o, const char *name, const char *json) {
    cJSON *v = json ? cJSON_Parse(json) : NULL;
    if (v) cJSON_AddItemToObject(o, name, v);
}

static cJSON *headers_object(const dh_reply *r) {
    cJSON *h = cJSON_CreateObject();
    for (size_t i = 0; h && i < r->header_count; i++) {
        /* Repeated names join with ", " as fetch's Headers do. */
        cJSON *prev = cJSON_GetObjectItemCaseSensitive(h, r->headers[i].name);
        if (cJSON_IsString(prev)) {
            dh_buf b = {0};
            dh_buf_puts(&b, prev->valuestring);
            dh_buf_puts(&b, ", ");
            dh_buf_puts(&b, r->headers[i].value);
            if (!b.oom) cJSON_ReplaceItemInObjectCaseSensitive(h, r->headers[i].name, cJSON_CreateString(b.data));
            dh_buf_free(&b);
        } else {
            cJSON_AddStringToObject(h, r->headers[i].name, r->headers[i].value);
        }
    }
    return h;
}

static void settle(const dh_reply *r, void *user) {
    int call_id = (int)(intptr_t)user;
    cJSON *root = cJSON_CreateObject();
    if (root) {
        cJSON_AddNumberToObject(root, "status", r->status);
        cJSON_AddItemToObject(root, "headers", headers_object(r));
        if (r->error) {
            cJSON *e = cJSON_AddObjectToObject(root, "error");
            cJSON_AddStringToObject(e, "code", dh_code_name(r->error->code == DH_ERR_NO_MEMORY
                                                                ? DH_ERR_INVALID_RESPONSE
                                                                : r->error->code));
            add_string(e, "message", r->error->message);
            add_string(e, "detail", r->error->detail);
            add_string(e, "text", r->error->text);
            add_json(e, "errinfo", r->error->errinfo_json);
            add_json(e, "fields", r->error->fields_json);
            if (r->error->retry_after >= 0) cJSON_AddNumberToObject(e, "retryAfter", (double)r->error->retry_after);
            if (r->error->maybe_created) cJSON_AddTrueToObject(e, "maybeCreated");
        } else if (r->token) {
            cJSON_AddItemReferenceToObject(root, "data", (cJSON *)r->token->json);
        } else if (r->page) {
            cJSON_AddItemReferenceToObject(root, "data", (cJSON *)r->page->json);
        }
    }
    char *json = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    static const char oom[] = "{\"status\":0,\"headers\":{},\"error\":{\"code\":\"invalid_response\","
                              "\"message\":\"out of memory\"}}";
    if (json) dh_js_settle(call_id, json, strlen(json), r->more);
    else dh_js_settle(call_id, oom, sizeof oom - 1, 0);
    dh_wipe_free(json); /* it may hold a created token's secret */
}

static void need_token(void *ctx, dh_client *client) {
    (void)ctx;
    dh_js_need_token(client);
}

EMSCRIPTEN_KEEPALIVE dh_client *dhw_client_new(const char *base_url, const char *bearer,
                                               const char *identifier, const char *secret,
                                               int use_token_function, uint32_t timeout_ms,
                                               int max_retries, double max_response_bytes) {
    dh_config cfg = {.base_url = base_url,
                     .bearer = bearer,
                     .identifier = identifier,
                     .secret = secret,
                     .token_provider = use_token_function ? need_token : NULL,
                     .timeout_ms = timeout_ms,
                     .max_retries = max_retries,
                     .max_response_bytes = (size_t)max_response_bytes,
                     .transport = dh_fetch_transport()};
    return dh_client_new(&cfg, &last_error);
}

EMSCRIPTEN_KEEPALIVE void dhw_token_ready(dh_client *c, const char *jwt, const char *why_not) {
    dh_client_token_ready(c, jwt, why_not);
}

EMSCRIPTEN_KEEPALIVE int dhw_cancel(dh_client *c, int call_id) { return dh_cancel(c, USER(call_id)); }

EMSCRIPTEN_KEEPALIVE void dhw_list_all(dh_client *c, int call_id, const char *org, int page_size) {
    dh_list_all_tokens(c, org, page_size, settle, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE const char *dhw_last_error(void) { return last_error ? last_error : ""; }

EMSCRIPTEN_KEEPALIVE void dhw_client_free(dh_client *c) { dh_client_free(c); }

EMSCRIPTEN_KEEPALIVE void dhw_list(dh_client *c, int call_id, const char *org, int page, int page_size) {
    dh_list_tokens(c, org, &(dh_list_options){page, page_size}, settle, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_get(dh_client *c, int call_id, const char *org, const char *id) {
    dh_get_token(c, org, id, settle, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_delete(dh_client *c, int call_id, const char *org, const char *id) {
    dh_delete_token(c, org, id, settle, USER(call_id));
}

static void refuse_body(int call_id, dh_op op, const char *why) {
    dh_error e = {.code = DH_ERR_INVALID_ARGUMENT, .message = why, .retry_after = -1};
    dh_reply r = {.op = op, .error = &e};
    settle(&r, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_create(dh_client *c, int call_id, const char *org, const char *body) {
    dh_arena *a = dh_arena_new();
    cJSON *root = NULL;
    dh_create_request req;
    const char *why = a ? dh_create_request_from_json(body, a, &root, &req) : "out of memory";
    if (why) refuse_body(call_id, DH_OP_CREATE, why);
    else dh_create_token(c, org, &req, settle, USER(call_id));
    cJSON_Delete(root);
    dh_arena_free(a);
}

EMSCRIPTEN_KEEPALIVE void dhw_update(dh_client *c, int call_id, const char *org, const char *id,
                                     const char *body) {
    dh_arena *a = dh_arena_new();
    cJSON *root = NULL;
    dh_update_request req;
    const char *why = a ? dh_update_request_from_json(body, a, &root, &req) : "out of memory";
    if (why) refuse_body(call_id, DH_OP_UPDATE, why);
    else dh_update_token(c, org, id, &req, settle, USER(call_id));
    cJSON_Delete(root);
    dh_arena_free(a);
}

/* Bytes the allocator has handed out and not got back: what the leak tests watch. */
EMSCRIPTEN_KEEPALIVE size_t dhw_heap_in_use(void) { return (size_t)mallinfo().uordblks; }
