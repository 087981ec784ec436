/* The WASM export layer: the C entry points the JS bindings call, and the import through which
 * every call settles (dh_js_settle, bindings/library_dh.js) with a small JSON document and the
 * response body beside it:
 *   {"status": 200, "headers": {...}}                              + the body, on success
 *   {"status": 404, "headers": {...}, "error": {"code": ..., ...}} + the body, on failure
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

extern void dh_js_settle(int call_id, const char *doc, size_t doc_len, const char *body,
                         size_t body_len, int more);
extern void dh_js_need_token(dh_client *client);

static const char *last_error;

#define USER(call_id) ((void *)(intptr_t)(call_id))

static void add_string(dh_buf *b, const char *name, const char *value) {
    if (!value) return;
    dh_buf_puts(b, ",");
    dh_buf_json_string(b, name);
    dh_buf_puts(b, ":");
    dh_buf_json_string(b, value);
}

/* {"name": "value", ...}; a repeated name joins its values with ", " as fetch's Headers do. */
static void add_headers(dh_buf *b, const dh_reply *r) {
    dh_buf_puts(b, ",\"headers\":{");
    bool first = true;
    for (size_t i = 0; i < r->header_count; i++) {
        const char *name = r->headers[i].name;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) seen = strcmp(r->headers[k].name, name) == 0;
        if (seen) continue;
        if (!first) dh_buf_puts(b, ",");
        first = false;
        dh_buf_json_string(b, name);
        dh_buf_puts(b, ":");
        dh_buf joined = {0};
        for (size_t k = i; k < r->header_count; k++) {
            if (strcmp(r->headers[k].name, name) != 0) continue;
            if (joined.len) dh_buf_puts(&joined, ", ");
            dh_buf_puts(&joined, r->headers[k].value);
        }
        dh_buf_json_string(b, joined.data ? joined.data : "");
        dh_buf_free(&joined);
    }
    dh_buf_puts(b, "}");
}

/* The settle document: status, headers and the error, if any. The body goes beside it as it
 * came, so JS parses it once with JSON.parse and nothing is printed here. */
static void settle(const dh_reply *r, void *user) {
    int call_id = (int)(intptr_t)user;
    dh_buf b = {0};
    dh_buf_puts(&b, "{\"status\":");
    dh_buf_int(&b, r->status);
    add_headers(&b, r);
    if (r->error) {
        const dh_error *e = r->error;
        dh_buf_puts(&b, ",\"error\":{\"code\":");
        dh_buf_json_string(&b, dh_code_name(e->code == DH_ERR_NO_MEMORY ? DH_ERR_INVALID_RESPONSE : e->code));
        add_string(&b, "message", e->message);
        add_string(&b, "detail", e->detail);
        add_string(&b, "text", e->text);
        if (e->retry_after >= 0) {
            dh_buf_puts(&b, ",\"retryAfter\":");
            dh_buf_int(&b, e->retry_after);
        }
        if (e->maybe_created) dh_buf_puts(&b, ",\"maybeCreated\":true");
        dh_buf_puts(&b, "}");
    }
    if (r->already_deleted) dh_buf_puts(&b, ",\"alreadyDeleted\":true");
    dh_buf_puts(&b, "}");
    static const char oom[] = "{\"status\":0,\"headers\":{},\"error\":{\"code\":\"invalid_response\","
                              "\"message\":\"out of memory\"}}";
    bool ok = !b.oom;
    dh_js_settle(call_id, ok ? b.data : oom, ok ? b.len : sizeof oom - 1, ok ? r->body : NULL,
                 ok ? r->body_len : 0, r->more);
    dh_buf_free(&b);
}

static void need_token(void *ctx, dh_client *client) {
    (void)ctx;
    dh_js_need_token(client);
}

EMSCRIPTEN_KEEPALIVE dh_client *dhw_client_new(const char *base_url, const char *bearer,
                                               const char *identifier, const char *secret,
                                               int use_token_function, uint32_t timeout_ms,
                                               int max_retries, double max_response_bytes) {
    /* A size_t holds this much on wasm32; a larger double would wrap to a small limit. */
    if (!(max_response_bytes >= 1 && max_response_bytes <= (double)SIZE_MAX)) {
        last_error = "maxResponseBytes must be a whole number of bytes from 1 to 4294967295";
        return NULL;
    }
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

EMSCRIPTEN_KEEPALIVE int dhw_list_all_next(dh_client *c, int call_id) {
    return dh_list_all_next(c, USER(call_id));
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
