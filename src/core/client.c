/* The client's public entry points: each validates its arguments before any request, then
 * starts one call (call.c), or refuses it at once through the callback. */
#include <stdlib.h>

#include "call.h"

/* The config's refusal, a static sentence, or NULL. */
static const char *check_config(const dh_config *cfg) {
    if (!cfg || !cfg->transport.send || !cfg->transport.cancel || !cfg->transport.now_ms ||
        !cfg->transport.now_unix || !cfg->transport.set_timer || !cfg->transport.clear_timer)
        return "a transport with send, cancel, clocks and timers is required";
    if (cfg->bearer && dh_check_header_value(cfg->bearer))
        return "token may hold only visible ASCII characters";
    if ((cfg->identifier == NULL) != (cfg->secret == NULL))
        return "credentials need both identifier and secret";
    if (cfg->secret && (!*cfg->identifier || !*cfg->secret))
        return "credentials need a non-empty identifier and secret";
    if (!!cfg->bearer + !!cfg->secret + !!cfg->token_provider > 1)
        return "give one of token, credentials or a token provider";
    return NULL;
}

/* The settings with their defaults, once the strings are in. */
static void take_settings(dh_client *cl, const dh_config *cfg) {
    cl->auth = cfg->token_provider ? AUTH_PROVIDER
               : cfg->secret       ? AUTH_CREDENTIALS
               : cfg->bearer       ? AUTH_STATIC
                                   : AUTH_NONE;
    cl->provider = cfg->token_provider;
    cl->provider_ctx = cfg->token_provider_ctx;
    cl->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 30000;
    cl->max_retries = cfg->max_retries < 0 ? 3 : cfg->max_retries;
    cl->retry_base_ms = cfg->retry_base_ms ? cfg->retry_base_ms : 500;
    cl->retry_cap_ms = cfg->retry_cap_ms ? cfg->retry_cap_ms : 20000;
    cl->max_response_bytes = cfg->max_response_bytes ? cfg->max_response_bytes : (size_t)16 << 20;
    cl->rng = (uint64_t)(cl->tr.now_ms(cl->tr.ctx) * 1000.0) ^ (uint64_t)(uintptr_t)cl ^
              0x9E3779B97F4A7C15ULL;
    if (!cl->rng) cl->rng = 1;
}

dh_client *dh_client_new(const dh_config *cfg, const char **err) {
    const char *why = check_config(cfg);
    dh_client *cl = why ? NULL : dh_calloc(1, sizeof *cl);
    if (!why && !cl) why = DH_OOM_MESSAGE;
    if (cl) {
        cl->bearer_exp = -1;
        cl->tr = cfg->transport;
        why = dh_check_base_url(cfg->base_url, &cl->base_url);
        if (!why && cfg->bearer && set_bearer(cl, cfg->bearer) != DH_OK) why = DH_OOM_MESSAGE;
        if (!why && cfg->secret &&
            (!(cl->identifier = dh_strdup(cfg->identifier)) ||
             !(cl->secret = dh_strdup(cfg->secret))))
            why = DH_OOM_MESSAGE;
    }
    if (why) {
        if (err) *err = why;
        dh_client_free(cl);
        return NULL;
    }
    take_settings(cl, cfg);
    return cl;
}

int dh_cancel(dh_client *cl, const void *user) {
    int n = 0;
    for (;;) {
        /* Look again from the start each time: a callback may have changed the list. */
        dh_call *c = cl->calls;
        while (c && !(c->cb && c->user == user && !c->in_callback)) {
            if (c->cb && c->user == user)
                c->stop = true; /* a list_all stopped from its own callback */
            c = c->next;
        }
        if (!c) return n;
        n++;
        fail(c, DH_ERR_ABORTED, "the call was aborted", false);
    }
}

void dh_client_free(dh_client *cl) {
    if (!cl) return;
    while (cl->calls) fail(cl->calls, DH_ERR_CLOSED, "the client was closed", false);
    dh_free(cl->base_url);
    dh_wipe_free(cl->bearer);
    dh_wipe_free(cl->identifier);
    dh_wipe_free(cl->secret);
    dh_redactor_free(cl->own); /* wiped: the prints of the secrets' windows */
    dh_redactor_free(cl->made);
    dh_free(cl);
}

/* ---- the operations ---- */

/* A call refused before any request: the callback runs now, with `what` + `why` as the message. */
static dh_code refuse(dh_op op, dh_callback cb, void *user, dh_code code, const char *what,
                      const char *why) {
    dh_buf b = {0};
    dh_buf_puts(&b, what);
    dh_buf_puts(&b, why);
    dh_error e = {.code = code, .message = b.oom ? why : b.data, .retry_after = -1};
    dh_reply r = {.op = op, .error = &e};
    if (cb) cb(&r, user);
    dh_buf_free(&b);
    return code;
}

static dh_code refuse_argument(dh_op op, dh_callback cb, void *user, const char *what,
                               const char *why) {
    return refuse(op, cb, user, DH_ERR_INVALID_ARGUMENT, what, why);
}

/* The org, and the id where the operation names one (NULL: none): why not, and *what it was. */
static const char *check_target(const char *org, const char *id, const char **what) {
    const char *why = dh_check_name(org);
    *what = "org ";
    if (!why && id) {
        why = dh_check_name(id);
        *what = "id ";
    }
    return why;
}

/* Starts a checked call on the token at `id` (NULL: the collection); owns body. */
static dh_code start(dh_client *cl, dh_op op, const char *method, const char *org, const char *id,
                     const dh_list_options *o, char *body, dh_callback cb, void *user) {
    dh_call *c = new_call(cl, op, method, dh_url_tokens(cl->base_url, org, id, o), body, cb, user);
    if (!c) return refuse(op, cb, user, DH_ERR_NO_MEMORY, "", DH_OOM_MESSAGE);
    start_attempt(c);
    return DH_OK;
}

/* Create and update, one shape: the target, then the request (`why_req`), then its JSON body
 * (NULL: oom). */
static dh_code start_with_body(dh_client *cl, dh_op op, const char *method, const char *org,
                               const char *id, const char *why_req, char *(*encode)(const void *),
                               const void *req, dh_callback cb, void *user) {
    const char *what, *why = check_target(org, id, &what);
    if (why) return refuse_argument(op, cb, user, what, why);
    if (why_req) return refuse_argument(op, cb, user, "", why_req);
    char *body = encode(req);
    if (!body) return refuse(op, cb, user, DH_ERR_NO_MEMORY, "", DH_OOM_MESSAGE);
    return start(cl, op, method, org, id, NULL, body, cb, user);
}

static char *encode_create(const void *req) { return dh_encode_create(req); }
static char *encode_update(const void *req) { return dh_encode_update(req); }

dh_code dh_create_token(dh_client *cl, const char *org, const dh_create_request *req,
                        dh_callback cb, void *user) {
    return start_with_body(cl, DH_OP_CREATE, "POST", org, NULL, dh_check_create(req), encode_create,
                           req, cb, user);
}

dh_code dh_update_token(dh_client *cl, const char *org, const char *id,
                        const dh_update_request *req, dh_callback cb, void *user) {
    return start_with_body(cl, DH_OP_UPDATE, "PATCH", org, id, dh_check_update(req), encode_update,
                           req, cb, user);
}

dh_code dh_get_token(dh_client *cl, const char *org, const char *id, dh_callback cb, void *user) {
    const char *what, *why = check_target(org, id, &what);
    if (why) return refuse_argument(DH_OP_GET, cb, user, what, why);
    return start(cl, DH_OP_GET, "GET", org, id, NULL, NULL, cb, user);
}

dh_code dh_delete_token(dh_client *cl, const char *org, const char *id, dh_callback cb,
                        void *user) {
    const char *what, *why = check_target(org, id, &what);
    if (why) return refuse_argument(DH_OP_DELETE, cb, user, what, why);
    return start(cl, DH_OP_DELETE, "DELETE", org, id, NULL, NULL, cb, user);
}

dh_code dh_list_tokens(dh_client *cl, const char *org, const dh_list_options *o, dh_callback cb,
                       void *user) {
    dh_list_options opts = o ? *o : (dh_list_options){0};
    const char *what, *why = check_target(org, NULL, &what);
    if (why) return refuse_argument(DH_OP_LIST, cb, user, what, why);
    if ((why = dh_check_list_options(&opts))) return refuse_argument(DH_OP_LIST, cb, user, "", why);
    return start(cl, DH_OP_LIST, "GET", org, NULL, &opts, NULL, cb, user);
}

dh_code dh_list_all_tokens(dh_client *cl, const char *org, int page_size, dh_callback cb,
                           void *user) {
    const char *what, *why = check_target(org, NULL, &what);
    if (why) return refuse_argument(DH_OP_LIST, cb, user, what, why);
    if (page_size < 1 || page_size > 100)
        return refuse_argument(DH_OP_LIST, cb, user, "",
                               "page_size must be a whole number from 1 to 100");
    dh_call *c = new_call(cl, DH_OP_LIST, "GET",
                          dh_url_tokens(cl->base_url, org, NULL, &(dh_list_options){1, page_size}),
                          NULL, cb, user);
    if (c && (!(c->org = dh_strdup(org)) || !(c->pager = dh_malloc(sizeof *c->pager)))) {
        call_free(c);
        c = NULL;
    }
    if (!c) return refuse(DH_OP_LIST, cb, user, DH_ERR_NO_MEMORY, "", DH_OOM_MESSAGE);
    dh_pager_init(c->pager, page_size);
    start_attempt(c);
    return DH_OK;
}

dh_code dh_list_all_next(dh_client *cl, const void *user) {
    for (dh_call *c = cl->calls; c; c = c->next) {
        if (!c->pager || !c->parked || c->user != user || c->stop) continue;
        c->parked = false;
        if (c->in_callback) c->want_next = true; /* fetched once the callback has returned */
        else fetch_next_page(c);
        return DH_OK;
    }
    return DH_ERR_INVALID_ARGUMENT;
}
