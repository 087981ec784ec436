/* The client: validates each call, signs in when it must, sends through the transport and
 * turns the answer into one dh_reply for the caller's callback. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cJSON.h"
#include "internal.h"

typedef struct dh_call dh_call;

struct dh_call {
    dh_client *client;
    dh_call *prev, *next; /* the client's calls in flight */
    dh_op op;
    const char *method;
    char *url;
    char *body;           /* wiped on free: a create's body or the sign-in secret */
    char *authorization;  /* "Bearer ...", wiped on free */
    dh_callback cb;
    void *user;
    void *handle;         /* the transport's, while sent */
    bool waiting_auth;
};

struct dh_client {
    char *base_url;
    char *bearer, *identifier, *secret; /* wiped on free */
    uint32_t timeout_ms;
    dh_transport tr;
    dh_call *calls, *calls_tail; /* oldest first */
    dh_call *auth_call; /* the sign-in in flight, shared by every call that waits for it */
};

static void call_unlink_free(dh_call *c) {
    dh_client *cl = c->client;
    if (c->prev) c->prev->next = c->next;
    else cl->calls = c->next;
    if (c->next) c->next->prev = c->prev;
    else cl->calls_tail = c->prev;
    if (cl->auth_call == c) cl->auth_call = NULL;
    free(c->url);
    dh_wipe_free(c->body);
    dh_wipe_free(c->authorization);
    free(c);
}

/* Everything a reply borrows, freed after the callback. */
typedef struct reply_store {
    dh_arena *arena;
    cJSON *root;
    dh_reply reply;
    dh_error error;
    dh_token token;
    dh_token_page page;
} reply_store;

/* A created token's secret lives in the tree; zero it before the tree is freed. */
static void wipe_token_secret(const dh_token *t) {
    if (t && t->token) memset((char *)t->token, 0, strlen(t->token));
}

static void deliver(dh_call *c, reply_store *rs) {
    dh_client *cl = c->client;
    if (rs->reply.error) {
        const char *secrets[] = {cl->secret, cl->bearer,
                                 c->authorization ? c->authorization + 7 : NULL};
        size_t n = sizeof secrets / sizeof *secrets;
        dh_error *e = &rs->error;
        e->message = dh_redact(rs->arena, e->message, secrets, n);
        e->detail = dh_redact(rs->arena, e->detail, secrets, n);
        e->text = dh_redact(rs->arena, e->text, secrets, n);
        e->errinfo_json = dh_redact(rs->arena, e->errinfo_json, secrets, n);
        e->fields_json = dh_redact(rs->arena, e->fields_json, secrets, n);
    }
    rs->reply.op = c->op;
    if (c->cb) c->cb(&rs->reply, c->user);
    wipe_token_secret(rs->reply.token);
    cJSON_Delete(rs->root);
    dh_arena_free(rs->arena);
    call_unlink_free(c);
}

/* Settles a call that got no answer to decode: a refusal, a failure, a close. */
static void fail(dh_call *c, dh_code code, const char *message) {
    reply_store rs = {0};
    rs.arena = dh_arena_new();
    rs.error = (dh_error){.code = code, .message = message, .retry_after = -1};
    rs.reply.error = &rs.error;
    deliver(c, &rs);
}

static dh_code refuse(dh_op op, dh_callback cb, void *user, dh_code code,
                      const char *what, const char *why) {
    dh_buf b = {0};
    dh_buf_puts(&b, what);
    dh_buf_puts(&b, why);
    dh_error e = {.code = code, .message = b.oom ? why : b.data, .retry_after = -1};
    dh_reply r = {.op = op, .error = &e};
    if (cb) cb(&r, user);
    dh_buf_free(&b);
    return code;
}

static void on_http_done(void *call, const dh_http_response *resp);

static void send_call(dh_call *c) {
    dh_client *cl = c->client;
    const char *headers[8];
    size_t h = 0;
    headers[h++] = "Accept";
    headers[h++] = "application/json";
    if (c->op != DH_OP_AUTH && cl->bearer) {
        dh_wipe_free(c->authorization);
        dh_buf b = {0};
        dh_buf_puts(&b, "Bearer ");
        dh_buf_puts(&b, cl->bearer);
        c->authorization = dh_buf_take(&b);
        if (!c->authorization) {
            fail(c, DH_ERR_NO_MEMORY, "out of memory");
            return;
        }
        headers[h++] = "Authorization";
        headers[h++] = c->authorization;
    }
    if (c->body) {
        headers[h++] = "Content-Type";
        headers[h++] = "application/json";
    }
    headers[h] = NULL;
    dh_http_request req = {c->method, c->url, headers, c->body, c->body ? strlen(c->body) : 0,
                           cl->timeout_ms};
    c->handle = cl->tr.send(cl->tr.ctx, &req, on_http_done, c);
    if (!c->handle) fail(c, DH_ERR_NETWORK, "the request could not be started");
}

static void start_auth(dh_client *cl);

/* Sends c now, or queues it behind the sign-in its client needs first. */
static void dispatch(dh_call *c) {
    dh_client *cl = c->client;
    if (cl->bearer || !cl->secret) {
        send_call(c);
        return;
    }
    c->waiting_auth = true;
    if (!cl->auth_call) start_auth(cl);
}

static dh_call *new_call(dh_client *cl, dh_op op, const char *method, char *url, char *body,
                         dh_callback cb, void *user) {
    dh_call *c = calloc(1, sizeof *c);
    if (!c || !url) {
        free(c);
        free(url);
        dh_wipe_free(body);
        return NULL;
    }
    *c = (dh_call){.client = cl, .op = op, .method = method, .url = url, .body = body, .cb = cb,
                   .user = user, .prev = cl->calls_tail};
    if (cl->calls_tail) cl->calls_tail->next = c;
    else cl->calls = c;
    cl->calls_tail = c;
    return c;
}

static void start_auth(dh_client *cl) {
    dh_buf b = {0};
    dh_buf_puts(&b, cl->base_url);
    dh_buf_puts(&b, "/v2/auth/token");
    char *body = dh_encode_auth(cl->identifier, cl->secret);
    dh_call *c = new_call(cl, DH_OP_AUTH, "POST", dh_buf_take(&b), body, NULL, NULL);
    if (!c) {
        /* No sign-in can start: every call waiting for one fails now. */
        for (dh_call *w = cl->calls; w;) {
            dh_call *next = w->next;
            if (w->waiting_auth) fail(w, DH_ERR_NO_MEMORY, "out of memory");
            w = next;
        }
        return;
    }
    cl->auth_call = c;
    send_call(c);
}

/* The sign-in settled: release every call that waited, with the JWT or with the failure. */
static void auth_settled(dh_client *cl, const dh_error *err) {
    for (;;) {
        dh_call *w = cl->calls;
        while (w && !w->waiting_auth) w = w->next;
        if (!w) break;
        w->waiting_auth = false;
        if (!err) {
            send_call(w);
            continue;
        }
        reply_store rs = {0};
        rs.arena = dh_arena_new();
        rs.error = *err;
        if (rs.arena) {
            /* The failure's strings live in the sign-in's arena: copy them for this reply. */
            rs.error.message = dh_arena_strdup(rs.arena, err->message);
            if (err->detail) rs.error.detail = dh_arena_strdup(rs.arena, err->detail);
            if (err->text) rs.error.text = dh_arena_strdup(rs.arena, err->text);
            if (err->errinfo_json) rs.error.errinfo_json = dh_arena_strdup(rs.arena, err->errinfo_json);
            if (err->fields_json) rs.error.fields_json = dh_arena_strdup(rs.arena, err->fields_json);
        }
        if (!rs.error.message) rs.error.message = "sign-in failed";
        rs.reply.status = err->status;
        rs.reply.error = &rs.error;
        deliver(w, &rs);
    }
}

static int64_t now_unix(void) { return (int64_t)time(NULL); }

static void on_http_done(void *call, const dh_http_response *resp) {
    dh_call *c = call;
    dh_client *cl = c->client;
    c->handle = NULL;
    reply_store rs = {0};
    rs.arena = dh_arena_new();
    if (!rs.arena) {
        fail(c, DH_ERR_NO_MEMORY, "out of memory");
        return;
    }
    dh_reply *r = &rs.reply;
    r->error = &rs.error;
    rs.error.retry_after = -1;
    if (resp->failure != DH_HTTP_OK) {
        rs.error.code = resp->failure == DH_HTTP_TIMEOUT ? DH_ERR_TIMEOUT : DH_ERR_NETWORK;
        rs.error.message = resp->failure == DH_HTTP_TIMEOUT
                               ? "Docker Hub did not answer in time"
                               : "could not reach Docker Hub (connection refused, reset or lost)";
    } else {
        r->status = resp->status;
        dh_header *headers = NULL;
        r->header_count = dh_headers_unpack(resp->raw_headers, resp->raw_headers_len, rs.arena, &headers);
        r->headers = headers;
        const char *why = NULL;
        if (resp->status < 200 || resp->status > 299) {
            dh_error_from_response(resp->status, resp->body, resp->body_len, rs.arena, &rs.error);
            rs.error.retry_after = dh_retry_after(headers, r->header_count, now_unix());
        } else {
            if (c->op == DH_OP_LIST) {
                why = dh_decode_page(resp->body, resp->body_len, rs.arena, &rs.root, &rs.page);
                if (!why) r->page = &rs.page;
            } else if (c->op == DH_OP_AUTH) {
                char *jwt = dh_decode_auth(resp->body, resp->body_len, &why);
                if (jwt) {
                    dh_wipe_free(cl->bearer);
                    cl->bearer = jwt;
                }
            } else if (c->op != DH_OP_DELETE) {
                why = dh_decode_token(resp->body, resp->body_len, rs.arena, &rs.root, &rs.token);
                if (!why && c->op == DH_OP_CREATE && !rs.token.token)
                    why = "the created token's secret is missing from the answer";
                if (!why) r->token = &rs.token;
            }
            if (why) {
                rs.error.code = DH_ERR_INVALID_RESPONSE;
                rs.error.status = resp->status;
                rs.error.message = why;
            } else {
                r->error = NULL;
            }
        }
    }
    if (c->op == DH_OP_AUTH) {
        cl->auth_call = NULL;
        auth_settled(cl, r->error);
    }
    deliver(c, &rs);
}

/* ---- public ---- */

dh_client *dh_client_new(const dh_config *cfg, const char **err) {
    static const char *oom = "out of memory";
    const char *why = NULL;
    if (!cfg || !cfg->transport.send || !cfg->transport.cancel) why = "a transport is required";
    else if (cfg->bearer && dh_check_header_value(cfg->bearer)) why = "token may hold only visible ASCII characters";
    else if ((cfg->identifier == NULL) != (cfg->secret == NULL)) why = "credentials need both identifier and secret";
    else if (cfg->secret && (!*cfg->identifier || !*cfg->secret)) why = "credentials need a non-empty identifier and secret";
    if (why) {
        if (err) *err = why;
        return NULL;
    }
    dh_client *cl = calloc(1, sizeof *cl);
    if (!cl) {
        if (err) *err = oom;
        return NULL;
    }
    why = dh_check_base_url(cfg->base_url, &cl->base_url);
    if (!why && cfg->bearer && !(cl->bearer = dh_strdup(cfg->bearer))) why = oom;
    if (!why && cfg->secret &&
        (!(cl->identifier = dh_strdup(cfg->identifier)) || !(cl->secret = dh_strdup(cfg->secret))))
        why = oom;
    if (why) {
        if (err) *err = why;
        dh_client_free(cl);
        return NULL;
    }
    cl->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 30000;
    cl->tr = cfg->transport;
    return cl;
}

dh_code dh_client_set_bearer(dh_client *cl, const char *bearer) {
    if (bearer && dh_check_header_value(bearer)) return DH_ERR_INVALID_ARGUMENT;
    char *copy = NULL;
    if (bearer && !(copy = dh_strdup(bearer))) return DH_ERR_NO_MEMORY;
    dh_wipe_free(cl->bearer);
    cl->bearer = copy;
    return DH_OK;
}

void dh_client_free(dh_client *cl) {
    if (!cl) return;
    while (cl->calls) {
        dh_call *c = cl->calls;
        if (c->handle) cl->tr.cancel(cl->tr.ctx, c->handle);
        c->handle = NULL;
        fail(c, DH_ERR_CLOSED, "the client was closed");
    }
    free(cl->base_url);
    dh_wipe_free(cl->bearer);
    dh_wipe_free(cl->identifier);
    dh_wipe_free(cl->secret);
    free(cl);
}

static dh_code start(dh_client *cl, dh_op op, const char *method, char *url, char *body,
                     dh_callback cb, void *user) {
    dh_call *c = new_call(cl, op, method, url, body, cb, user);
    if (!c) return refuse(op, cb, user, DH_ERR_NO_MEMORY, "", "out of memory");
    dispatch(c);
    return DH_OK;
}

#define CHECK(cond_why, what)                                                             \
    do {                                                                                  \
        const char *why_ = (cond_why);                                                    \
        if (why_) return refuse(op, cb, user, DH_ERR_INVALID_ARGUMENT, what, why_);   \
    } while (0)

dh_code dh_list_tokens(dh_client *cl, const char *org, const dh_list_options *o, dh_callback cb,
                       void *user) {
    const dh_op op = DH_OP_LIST;
    dh_list_options opts = o ? *o : (dh_list_options){0};
    CHECK(dh_check_name(org), "org ");
    CHECK(dh_check_list_options(&opts), "");
    return start(cl, op, "GET", dh_url_tokens(cl->base_url, org, NULL, &opts), NULL, cb, user);
}

dh_code dh_create_token(dh_client *cl, const char *org, const dh_create_request *req,
                        dh_callback cb, void *user) {
    const dh_op op = DH_OP_CREATE;
    CHECK(dh_check_name(org), "org ");
    CHECK(dh_check_create(req), "");
    char *body = dh_encode_create(req);
    if (!body) return refuse(op, cb, user, DH_ERR_NO_MEMORY, "", "out of memory");
    return start(cl, op, "POST", dh_url_tokens(cl->base_url, org, NULL, NULL), body, cb, user);
}

dh_code dh_get_token(dh_client *cl, const char *org, const char *id, dh_callback cb, void *user) {
    const dh_op op = DH_OP_GET;
    CHECK(dh_check_name(org), "org ");
    CHECK(dh_check_name(id), "id ");
    return start(cl, op, "GET", dh_url_tokens(cl->base_url, org, id, NULL), NULL, cb, user);
}

dh_code dh_update_token(dh_client *cl, const char *org, const char *id,
                        const dh_update_request *req, dh_callback cb, void *user) {
    const dh_op op = DH_OP_UPDATE;
    CHECK(dh_check_name(org), "org ");
    CHECK(dh_check_name(id), "id ");
    CHECK(dh_check_update(req), "");
    char *body = dh_encode_update(req);
    if (!body) return refuse(op, cb, user, DH_ERR_NO_MEMORY, "", "out of memory");
    return start(cl, op, "PATCH", dh_url_tokens(cl->base_url, org, id, NULL), body, cb, user);
}

dh_code dh_delete_token(dh_client *cl, const char *org, const char *id, dh_callback cb, void *user) {
    const dh_op op = DH_OP_DELETE;
    CHECK(dh_check_name(org), "org ");
    CHECK(dh_check_name(id), "id ");
    return start(cl, op, "DELETE", dh_url_tokens(cl->base_url, org, id, NULL), NULL, cb, user);
}
