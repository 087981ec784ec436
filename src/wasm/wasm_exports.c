/* The WASM export layer: the C entry points the JS bindings call, and the one place the answer
 * to JS is built. deliver() hands each reply to the import dh_js_deliver (src/wasm/library_dh.js),
 * which bindings/client.js reads (#resolve). What crosses, and in what form:
 *   status             the HTTP status (0: no answer came)
 *   more, already_deleted, maybe_created
 *                      0 or 1: another page follows; a retried DELETE found it gone; a create
 *                      that failed may have made the token
 *   headers            one block of "name:value\n" lines, as the core unpacked and redacted them
 *                      (names lower-case; values hold no control character, so no '\n')
 *   body               the response body as received, on success only (JS parses it once)
 *   error              NULL on success, else the dh_error's strings as they are: code name,
 *                      message, detail, text, and errinfo and fields as JSON text
 * src/wasm/library_dh.js turns them into the one envelope bindings/boundary.js describes. The
 * common case, a 2xx, is numbers and two spans: no document is printed or parsed.
 * Strings from JS are only read during the call; the core copies what it keeps. */
#include <emscripten/emscripten.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dockerhub_oat_fetch.h"
#include "internal.h" /* the redactor */
#include "request_json.h"
#include "wasm_exports.h"

extern void dh_js_deliver(int call_id, int status, int more, int already_deleted, int maybe_created,
                          const char *headers, size_t headers_len, const char *body,
                          size_t body_len, const char *code, const char *message,
                          const char *detail, const char *text, const char *errinfo,
                          const char *fields, double retry_after);
extern void dh_js_need_token(dh_client *client);

static const char *last_error;

#define USER(call_id) ((void *)(intptr_t)(call_id))

/* The headers as one malloc'd block of "name:value\n" lines (caller frees); *len its length.
 * NULL on oom (an empty reply's block is a one-byte allocation). */
static char *pack_headers(const dh_reply *r, size_t *len) {
    size_t n = 0;
    for (size_t i = 0; i < r->header_count; i++)
        n += strlen(r->headers[i].name) + strlen(r->headers[i].value) + 2;
    char *out = malloc(n + 1);
    if (!out) return NULL;
    char *p = out;
    for (size_t i = 0; i < r->header_count; i++) {
        size_t k = strlen(r->headers[i].name), v = strlen(r->headers[i].value);
        memcpy(p, r->headers[i].name, k);
        p[k] = ':';
        memcpy(p + k + 1, r->headers[i].value, v);
        p[k + 1 + v] = '\n';
        p += k + v + 2;
    }
    *len = n;
    return out;
}

/* The completion callback of every call: one reply, handed to JS once. */
static void deliver(const dh_reply *r, void *user) {
    int call_id = (int)(intptr_t)user;
    size_t headers_len = 0;
    char *headers = pack_headers(r, &headers_len);
    if (!headers) {
        dh_js_deliver(call_id, 0, 0, 0, 0, NULL, 0, NULL, 0, "invalid_response", DH_OOM_MESSAGE,
                      NULL, NULL, NULL, NULL, -1);
        return;
    }
    const dh_error *e = r->error;
    if (!e) {
        dh_js_deliver(call_id, r->status, r->more, r->already_deleted, 0, headers, headers_len,
                      r->body, r->body_len, NULL, NULL, NULL, NULL, NULL, NULL, -1);
    } else {
        dh_code code = e->code == DH_ERR_NO_MEMORY ? DH_ERR_INVALID_RESPONSE : e->code;
        dh_js_deliver(call_id, r->status, r->more, r->already_deleted, e->maybe_created, headers,
                      headers_len, NULL, 0, dh_code_name(code), e->message, e->detail, e->text,
                      e->errinfo, e->fields, (double)e->retry_after);
    }
    free(headers);
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
        last_error = "max_response_bytes must be a whole number of bytes from 1 to 4294967295";
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

EMSCRIPTEN_KEEPALIVE int dhw_cancel(dh_client *c, int call_id) {
    return dh_cancel(c, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_list_all(dh_client *c, int call_id, const char *org, int page_size) {
    dh_list_all_tokens(c, org, page_size, deliver, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE int dhw_list_all_next(dh_client *c, int call_id) {
    return dh_list_all_next(c, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE const char *dhw_last_error(void) { return last_error ? last_error : ""; }

EMSCRIPTEN_KEEPALIVE void dhw_client_free(dh_client *c) { dh_client_free(c); }

EMSCRIPTEN_KEEPALIVE void dhw_list(dh_client *c, int call_id, const char *org, int page,
                                   int page_size) {
    dh_list_tokens(c, org, &(dh_list_options){page, page_size}, deliver, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_get(dh_client *c, int call_id, const char *org, const char *id) {
    dh_get_token(c, org, id, deliver, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_delete(dh_client *c, int call_id, const char *org, const char *id) {
    dh_delete_token(c, org, id, deliver, USER(call_id));
}

static void refuse_body(int call_id, dh_op op, const char *why) {
    dh_error e = {.code = DH_ERR_INVALID_ARGUMENT, .message = why, .retry_after = -1};
    dh_reply r = {.op = op, .error = &e};
    deliver(&r, USER(call_id));
}

EMSCRIPTEN_KEEPALIVE void dhw_create(dh_client *c, int call_id, const char *org, const char *body) {
    dh_request_json *held;
    dh_create_request req;
    const char *why = dh_create_request_from_json(body, &held, &req);
    if (why) refuse_body(call_id, DH_OP_CREATE, why);
    else dh_create_token(c, org, &req, deliver, USER(call_id));
    dh_request_json_free(held);
}

EMSCRIPTEN_KEEPALIVE void dhw_update(dh_client *c, int call_id, const char *org, const char *id,
                                     const char *body) {
    dh_request_json *held;
    dh_update_request req;
    const char *why = dh_update_request_from_json(body, &held, &req);
    if (why) refuse_body(call_id, DH_OP_UPDATE, why);
    else dh_update_token(c, org, id, &req, deliver, USER(call_id));
    dh_request_json_free(held);
}

EMSCRIPTEN_KEEPALIVE char *dhw_redact(dh_client *c, const char *text, const char *secrets, int n) {
    /* Every one of the n secrets is added, however many: a secret left out would pass unredacted
     * (an apply that created more than a fixed count of tokens). An add that runs out of memory
     * makes the redactor fail closed. */
    dh_redactor *r = dh_redactor_of(NULL, 0);
    for (const char *s = secrets; r && s && n-- > 0; s += strlen(s) + 1) dh_redactor_add(r, s);
    dh_redactor *own = c ? dh_client_redactor(c) : NULL;
    if (c && !own) { /* out of memory: everything is redacted (fail closed) */
        dh_redactor_free(r);
        r = NULL;
    }
    dh_redactor_set_also(r, own);
    dh_arena *a = dh_arena_new();
    const char *out = a ? dh_redactor_apply(a, r, text) : NULL;
    char *copy = out ? malloc(strlen(out) + 1) : NULL; /* JS frees it with _free: libc's */
    if (copy) memcpy(copy, out, strlen(out) + 1);
    dh_redactor_free(r);
    dh_redactor_free(own);
    dh_arena_free(a);
    return copy;
}
