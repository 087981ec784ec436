/* The bearer JWT: kept, renewed a minute before it expires, and obtained by one sign-in that
 * every waiting call shares (credentials at POST /v2/auth/token, or the caller's token provider).
 */
#include <string.h>

#include "call.h"

/* Renew this long before the JWT's exp, so no request carries one that dies on the way. */
#define DH_RENEW_MARGIN_S 60

dh_code set_bearer(dh_client *cl, const char *jwt) {
    if (jwt && dh_check_header_value(jwt)) return DH_ERR_INVALID_ARGUMENT;
    char *copy = NULL;
    if (jwt && !(copy = dh_strdup(jwt))) return DH_ERR_NO_MEMORY;
    dh_wipe_free(cl->bearer);
    cl->bearer = copy;
    cl->bearer_gen++;
    cl->bearer_exp = jwt ? dh_jwt_exp(jwt) : -1;
    return DH_OK;
}

bool can_renew(const dh_client *cl) {
    return cl->auth == AUTH_CREDENTIALS || cl->auth == AUTH_PROVIDER;
}

bool needs_sign_in(const dh_client *cl) {
    if (!can_renew(cl)) return false;
    if (!cl->bearer) return true;
    return cl->bearer_exp >= 0 && cl->tr.now_unix(cl->tr.ctx) >= cl->bearer_exp - DH_RENEW_MARGIN_S;
}

static const char *arena_copy(dh_arena *a, const char *s) {
    return s ? dh_arena_strdup(a, s) : NULL;
}

/* The sign-in's failure for one waiting call: its strings copied, as they live in the sign-in's
 * reply, which is freed before this call's callback may run. */
static void fail_waiting(dh_call *w, const dh_error *err, const dh_reply *from) {
    reply_store rs = {0};
    rs.arena = dh_arena_new();
    rs.error = *err;
    const char *message = NULL;
    if (rs.arena) {
        message = dh_arena_strdup(rs.arena, err->message);
        rs.error.detail = arena_copy(rs.arena, err->detail);
        rs.error.text = arena_copy(rs.arena, err->text);
        rs.error.errinfo = arena_copy(rs.arena, err->errinfo);
        rs.error.fields = arena_copy(rs.arena, err->fields);
    }
    rs.error.message = message ? message : "sign-in failed";
    rs.reply.status = err->status;
    if (from) {
        rs.reply.headers = from->headers;
        rs.reply.header_count = from->header_count;
    }
    rs.reply.error = &rs.error;
    complete(w, &rs);
}

/* Only the calls waiting now are released: a call that a callback below starts waits for a
 * sign-in of its own. */
void sign_in_done(dh_client *cl, const dh_error *err, const dh_reply *from) {
    for (dh_call *w = cl->calls; w; w = w->next) {
        w->released = w->waiting_auth;
        w->waiting_auth = false;
    }
    for (;;) {
        dh_call *w = cl->calls; /* from the start each time: a callback may change the list */
        while (w && !w->released) w = w->next;
        if (!w) break;
        w->released = false;
        /* Sent as is: the JWT just obtained is used even inside its last minute (a short-lived
         * one), or the call would ask for another at once, for ever. */
        if (!err) send_request(w);
        else fail_waiting(w, err, from);
    }
}

void request_sign_in(dh_client *cl) {
    if (cl->auth_call || cl->provider_pending) return;
    if (cl->auth == AUTH_PROVIDER) {
        cl->provider_pending = true;
        cl->provider(cl->provider_ctx, cl); /* may answer at once, through dh_client_token_ready */
        return;
    }
    dh_buf b = {0};
    dh_buf_puts(&b, cl->base_url);
    dh_buf_puts(&b, "/v2/auth/token");
    char *body = dh_encode_auth(cl->identifier, cl->secret);
    dh_call *c = new_call(cl, DH_OP_AUTH, "POST", dh_buf_take(&b), body, NULL, NULL);
    if (!c) {
        dh_error e = {.code = DH_ERR_NO_MEMORY, .message = DH_OOM_MESSAGE, .retry_after = -1};
        sign_in_done(cl, &e, NULL);
        return;
    }
    cl->auth_call = c;
    start_attempt(c);
}

dh_code dh_client_set_bearer(dh_client *cl, const char *bearer) { return set_bearer(cl, bearer); }

void dh_client_token_ready(dh_client *cl, const char *jwt, const char *why_not) {
    if (!cl->provider_pending) return;
    cl->provider_pending = false;
    if (jwt && set_bearer(cl, jwt) == DH_OK) {
        sign_in_done(cl, NULL, NULL);
        return;
    }
    dh_error e = {
        .code = DH_ERR_UNAUTHORIZED,
        .message = jwt ? "the token function returned a value that cannot be sent as a bearer token"
                       : (why_not ? why_not : "no token was given"),
        .retry_after = -1};
    sign_in_done(cl, &e, NULL);
}
