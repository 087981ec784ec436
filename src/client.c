/* The client: validates each call, signs in when it must, sends through the transport, retries
 * what is safe to retry within the call's deadline, and turns the answer into one dh_reply.
 *
 * A call's life: start_attempt -> (wait for sign-in) -> send -> on_http_done -> retry after a
 * wait, or settle. A deadline timer bounds the whole of it; dh_cancel and dh_client_free cut
 * it short. Every path ends in settle(), which runs the callback and frees the call. */
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

typedef struct dh_call dh_call;

typedef enum { AUTH_NONE, AUTH_STATIC, AUTH_CREDENTIALS, AUTH_PROVIDER } auth_mode;

struct dh_call {
    dh_client *client;
    dh_call *prev, *next; /* the client's calls, oldest first */
    dh_op op;
    const char *method;
    char *url;
    char *body;          /* wiped on free: a create's body or the sign-in secret */
    char *authorization; /* "Bearer ..." as last sent; wiped on free */
    dh_callback cb;      /* NULL for the client's own sign-in */
    void *user;
    void *handle;        /* the transport's, while a request is out */
    void *deadline_timer, *retry_timer;
    double deadline_ms;
    int attempt;         /* retries made */
    bool waiting_auth, reauthed, in_callback, stop;
    bool released;       /* its sign-in settled: auth_settled is about to let it go on or fail it */
    bool maybe_acted;    /* an earlier attempt may have reached the server and been done */
    char *org;           /* dh_list_all_tokens: the org, and where the pages stand */
    dh_pager *pager;
    bool parked;         /* a page was handed over; the next waits for dh_list_all_next */
    bool want_next;      /* dh_list_all_next came from that page's own callback */
};

struct dh_client {
    char *base_url;
    auth_mode auth;
    char *bearer, *identifier, *secret; /* wiped on free */
    int64_t bearer_exp;                 /* unix seconds; -1: unknown */
    dh_token_provider provider;
    void *provider_ctx;
    bool provider_pending;
    dh_call *auth_call; /* the sign-in in flight, shared by every call that waits for it */
    uint32_t timeout_ms, retry_base_ms, retry_cap_ms;
    int max_retries;
    size_t max_response_bytes;
    dh_transport tr;
    uint64_t rng;
    dh_call *calls, *calls_tail;
};

/* Renew this long before the JWT's exp, so no request carries one that dies on the way. */
#define DH_RENEW_MARGIN_S 60

static void on_http_done(void *call, const dh_http_response *resp);

/* ---- bookkeeping ---- */

static void clear_timer(dh_client *cl, void **timer) {
    if (*timer) cl->tr.clear_timer(cl->tr.ctx, *timer);
    *timer = NULL;
}

static void call_free(dh_call *c) {
    dh_client *cl = c->client;
    clear_timer(cl, &c->deadline_timer);
    clear_timer(cl, &c->retry_timer);
    if (c->handle) cl->tr.cancel(cl->tr.ctx, c->handle);
    if (c->prev) c->prev->next = c->next;
    else cl->calls = c->next;
    if (c->next) c->next->prev = c->prev;
    else cl->calls_tail = c->prev;
    if (cl->auth_call == c) cl->auth_call = NULL;
    free(c->url);
    free(c->org);
    free(c->pager);
    dh_wipe_free(c->body);
    dh_wipe_free(c->authorization);
    free(c);
}

static double now_ms(dh_client *cl) { return cl->tr.now_ms(cl->tr.ctx); }

static double unit_random(dh_client *cl) {
    if (cl->tr.random) return cl->tr.random(cl->tr.ctx);
    cl->rng ^= cl->rng << 13; /* xorshift64: jitter needs spread, not secrecy */
    cl->rng ^= cl->rng >> 7;
    cl->rng ^= cl->rng << 17;
    return (double)(cl->rng >> 11) / 9007199254740992.0;
}

/* ---- settling ---- */

/* Everything a reply borrows, freed after the callback. */
typedef struct reply_store {
    dh_arena *arena;
    cJSON *root;
    dh_reply reply;
    dh_error error;
    dh_token token;
    dh_token_page page;
} reply_store;

static void store_free(reply_store *rs) {
    /* A created token's secret lives in the tree: zero it before the tree is freed. */
    if (rs->reply.token && rs->reply.token->token)
        dh_wipe((char *)rs->reply.token->token, strlen(rs->reply.token->token));
    dh_arena_free(rs->arena); /* the tree (rs->root) with it */
}

/* Runs the callback with the reply, frees the reply, and frees the call unless more pages of
 * a dh_list_all_tokens follow (then it returns true and the call lives on). */
static void auth_settled(dh_client *cl, const dh_error *err, const dh_reply *from);

static bool settle(dh_call *c, reply_store *rs) {
    dh_client *cl = c->client;
    if (cl->auth_call == c) {
        /* The sign-in ends here, however it ended: release the calls that waited for it. */
        cl->auth_call = NULL;
        auth_settled(cl, rs->reply.error, &rs->reply);
    }
    rs->reply.op = c->pager ? DH_OP_LIST : c->op;
    clear_timer(cl, &c->deadline_timer);
    clear_timer(cl, &c->retry_timer);
    c->parked = rs->reply.more;
    if (c->cb) {
        c->in_callback = true;
        c->cb(&rs->reply, c->user);
        c->in_callback = false;
    }
    store_free(rs);
    if (rs->reply.more && !c->stop) return true;
    call_free(c);
    return false;
}

/* Settles a call with an error that no answer carried: a refusal, a failure, a close. */
static void fail(dh_call *c, dh_code code, const char *message, bool maybe_created) {
    reply_store rs = {0};
    rs.arena = dh_arena_new();
    rs.error = (dh_error){.code = code, .message = message, .retry_after = -1, .maybe_created = maybe_created};
    rs.reply.error = &rs.error;
    settle(c, &rs);
}

/* A create whose request went out may have made a token even though no answer came back. */
static const char *lost_message(dh_call *c, dh_code code, bool *maybe_created) {
    *maybe_created = c->op == DH_OP_CREATE;
    if (code == DH_ERR_TIMEOUT)
        return *maybe_created ? "Docker Hub did not answer in time; the token may have been created: "
                                "list the tokens before creating it again"
                              : "Docker Hub did not answer in time";
    return *maybe_created ? "the connection to Docker Hub was lost; the token may have been created: "
                            "list the tokens before creating it again"
                          : "could not reach Docker Hub (connection refused, reset or lost)";
}

/* A failure without an answer: its code, and a message that names the host's reason. */
static const char *failure_message(dh_call *c, dh_http_failure f, dh_code *code, bool *maybe_created) {
    *code = DH_ERR_NETWORK;
    *maybe_created = false;
    switch (f) {
    case DH_HTTP_REFUSED: return "could not reach Docker Hub (connection refused)";
    case DH_HTTP_DENIED:
        return "could not reach Docker Hub: the host denied this program the permission to connect "
               "(in Deno: --allow-net=host:port); not retried";
    case DH_HTTP_BLOCKED:
        return "could not reach Docker Hub: the host blocked the connection (its network policy or a "
               "blocked port; workerd blocks loopback and private addresses); not retried";
    case DH_HTTP_DNS: return "could not reach Docker Hub: its host name did not resolve (DNS)";
    case DH_HTTP_TLS:
        return "could not reach Docker Hub: the TLS connection failed (a certificate, or a server "
               "that does not speak TLS there); not retried";
    case DH_HTTP_TOO_LARGE:
        *code = DH_ERR_INVALID_RESPONSE;
        return "the response body is larger than maxResponseBytes";
    case DH_HTTP_REDIRECTED:
        /* The host followed it: a 307 or 308 sent the request again, body and all. */
        *code = DH_ERR_UNEXPECTED_STATUS;
        *maybe_created = c->op == DH_OP_CREATE;
        return *maybe_created ? "Docker Hub's answer came from another URL (a redirect the host followed), and "
                                "redirects are refused; the token may have been created: list the tokens"
                              : "Docker Hub's answer came from another URL (a redirect the host followed), and "
                                "redirects are refused";
    case DH_HTTP_RESET:
        *maybe_created = c->op == DH_OP_CREATE;
        return *maybe_created ? "the connection to Docker Hub was reset; the token may have been created: "
                                "list the tokens before creating it again"
                              : "the connection to Docker Hub was reset or closed early";
    case DH_HTTP_TIMEOUT: *code = DH_ERR_TIMEOUT; break;
    default: break;
    }
    return lost_message(c, *code, maybe_created);
}

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

/* ---- auth ---- */

static dh_code set_bearer(dh_client *cl, const char *jwt) {
    if (jwt && dh_check_header_value(jwt)) return DH_ERR_INVALID_ARGUMENT;
    char *copy = NULL;
    if (jwt && !(copy = dh_strdup(jwt))) return DH_ERR_NO_MEMORY;
    dh_wipe_free(cl->bearer);
    cl->bearer = copy;
    cl->bearer_exp = jwt ? dh_jwt_exp(jwt) : -1;
    return DH_OK;
}

static bool can_renew(const dh_client *cl) { return cl->auth == AUTH_CREDENTIALS || cl->auth == AUTH_PROVIDER; }

static bool needs_sign_in(dh_client *cl) {
    if (!can_renew(cl)) return false;
    if (!cl->bearer) return true;
    return cl->bearer_exp >= 0 && cl->tr.now_unix(cl->tr.ctx) >= cl->bearer_exp - DH_RENEW_MARGIN_S;
}

static void start_attempt(dh_call *c);
static void send_request(dh_call *c);
static dh_call *new_call(dh_client *cl, dh_op op, const char *method, char *url, char *body,
                         dh_callback cb, void *user);

/* The sign-in settled: every call that waited goes on with the JWT, or fails with `err`.
 * `from`, where the sign-in got an answer, lends its status and headers (X-RateLimit-*) to the
 * failures it causes. Only the calls waiting now are released: a call that a callback below
 * starts waits for a sign-in of its own. */
static void auth_settled(dh_client *cl, const dh_error *err, const dh_reply *from) {
    for (dh_call *w = cl->calls; w; w = w->next) {
        w->released = w->waiting_auth;
        w->waiting_auth = false;
    }
    for (;;) {
        dh_call *w = cl->calls; /* from the start each time: a callback may change the list */
        while (w && !w->released) w = w->next;
        if (!w) break;
        w->released = false;
        if (!err) {
            /* Sent as is: the JWT just obtained is used even inside its last minute (a short-
             * lived one), or the call would ask for another at once, for ever. */
            send_request(w);
            continue;
        }
        reply_store rs = {0};
        rs.arena = dh_arena_new();
        rs.error = *err;
        rs.error.message = NULL;
        if (rs.arena) { /* the failure's strings live in the sign-in's reply: copy them */
            rs.error.message = dh_arena_strdup(rs.arena, err->message);
            rs.error.detail = err->detail ? dh_arena_strdup(rs.arena, err->detail) : NULL;
            rs.error.text = err->text ? dh_arena_strdup(rs.arena, err->text) : NULL;
        }
        if (!rs.error.message) rs.error.message = "sign-in failed";
        rs.reply.status = err->status;
        if (from) {
            rs.reply.headers = from->headers;
            rs.reply.header_count = from->header_count;
        }
        rs.reply.error = &rs.error;
        settle(w, &rs);
    }
}

/* Starts the one sign-in every waiting call shares, unless it is under way. */
static void request_sign_in(dh_client *cl) {
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
        dh_error e = {.code = DH_ERR_NO_MEMORY, .message = "out of memory", .retry_after = -1};
        auth_settled(cl, &e, NULL);
        return;
    }
    cl->auth_call = c;
    start_attempt(c);
}

/* ---- sending, retrying, deadlines ---- */

static void send_request(dh_call *c) {
    dh_client *cl = c->client;
    const char *headers[8];
    size_t h = 0;
    headers[h++] = "Accept";
    headers[h++] = "application/json";
    dh_wipe_free(c->authorization);
    c->authorization = NULL;
    if (c->op != DH_OP_AUTH && cl->bearer) {
        dh_buf b = {.wipe = true};
        dh_buf_puts(&b, "Bearer ");
        dh_buf_puts(&b, cl->bearer);
        c->authorization = dh_buf_take(&b);
        if (!c->authorization) {
            fail(c, DH_ERR_NO_MEMORY, "out of memory", false);
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
                           cl->max_response_bytes};
    c->handle = cl->tr.send(cl->tr.ctx, &req, on_http_done, c);
    if (!c->handle) fail(c, DH_ERR_NETWORK, "the request could not be started", false);
}

static void start_attempt(dh_call *c) {
    dh_client *cl = c->client;
    if (c->op != DH_OP_AUTH && needs_sign_in(cl)) {
        c->waiting_auth = true;
        request_sign_in(cl);
        return;
    }
    send_request(c);
}

static void on_retry_timer(void *arg) {
    dh_call *c = arg;
    c->retry_timer = NULL;
    start_attempt(c);
}

static void on_deadline(void *arg) {
    dh_call *c = arg;
    dh_client *cl = c->client;
    c->deadline_timer = NULL;
    bool was_sent = c->handle != NULL;
    if (c->handle) cl->tr.cancel(cl->tr.ctx, c->handle);
    c->handle = NULL;
    c->waiting_auth = false;
    bool maybe_created = false;
    const char *msg = was_sent ? lost_message(c, DH_ERR_TIMEOUT, &maybe_created) : "Docker Hub did not answer in time";
    fail(c, DH_ERR_TIMEOUT, msg, maybe_created);
}

static bool arm_deadline(dh_call *c) {
    dh_client *cl = c->client;
    clear_timer(cl, &c->deadline_timer);
    c->deadline_ms = now_ms(cl) + cl->timeout_ms;
    c->deadline_timer = cl->tr.set_timer(cl->tr.ctx, cl->timeout_ms, on_deadline, c);
    return c->deadline_timer != NULL;
}

/* Schedules another try if the rules allow one and it can start before the deadline.
 * `retry_after` is the server's word in seconds (-1: none). */
static bool schedule_retry(dh_call *c, dh_http_failure failure, int status, int64_t retry_after) {
    dh_client *cl = c->client;
    if (c->attempt >= cl->max_retries || !dh_is_retryable(c->op, failure, status)) return false;
    double wait = retry_after >= 0 ? (double)retry_after * 1000.0
                                   : dh_backoff_ms(c->attempt, cl->retry_base_ms, cl->retry_cap_ms, unit_random(cl));
    if (now_ms(cl) + wait >= c->deadline_ms) return false;
    c->attempt++;
    /* Lost on the way back, or a gateway's error: the server may have done it all the same. */
    if (failure == DH_HTTP_NETWORK || failure == DH_HTTP_RESET || failure == DH_HTTP_TIMEOUT ||
        (failure == DH_HTTP_OK && status >= 502 && status <= 504))
        c->maybe_acted = true;
    c->retry_timer = cl->tr.set_timer(cl->tr.ctx, (uint32_t)wait, on_retry_timer, c);
    return c->retry_timer != NULL;
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
    if (!arm_deadline(c)) {
        call_free(c);
        return NULL;
    }
    return c;
}

/* ---- answers ---- */

/* A 2xx answer: decode what the operation promises; NULL or why it is not that. */
static const char *decode_success(dh_call *c, const dh_http_response *resp, reply_store *rs) {
    dh_reply *r = &rs->reply;
    const char *why = NULL;
    switch (c->op) {
    case DH_OP_DELETE:
        break;
    case DH_OP_LIST:
        why = dh_decode_page(resp->body, resp->body_len, rs->arena, &rs->root, &rs->page);
        if (!why) r->page = &rs->page;
        break;
    case DH_OP_AUTH: {
        char *jwt = dh_decode_auth(resp->body, resp->body_len, &why);
        if (jwt && set_bearer(c->client, jwt) != DH_OK) why = "the sign-in answer has no usable access_token";
        dh_wipe_free(jwt);
        break;
    }
    default:
        why = dh_decode_token(resp->body, resp->body_len, rs->arena, &rs->root, &rs->token);
        if (!why && c->op == DH_OP_CREATE && !rs->token.token)
            why = "the created token's secret is missing from the answer";
        if (!why) r->token = &rs->token;
    }
    return why;
}

/* An OAT can sign in (as its organization) but never manage OATs, and Docker Hub's 401 or 403
 * does not say so: name the cause and what to use. `said` (redacted already) follows. */
static const char *oat_refusal(const dh_call *c, dh_arena *a, int status, const char *said) {
    static const char oat[] = "dckr_oat_";
    const dh_client *cl = c->client;
    bool sent_oat = (cl->secret && strncmp(cl->secret, oat, sizeof oat - 1) == 0) ||
                    (c->authorization && strncmp(c->authorization + 7, oat, sizeof oat - 1) == 0);
    if ((status != 401 && status != 403) || !sent_oat) return said;
    dh_buf b = {0};
    dh_buf_puts(&b, "an organization access token (dckr_oat_...) cannot manage organization access "
                    "tokens: sign in as an organization owner, with a personal access token or the owner's own "
                    "credentials");
    if (said) {
        dh_buf_puts(&b, " (Docker Hub said: ");
        dh_buf_puts(&b, said);
        dh_buf_puts(&b, ")");
    }
    const char *out = b.oom ? NULL : dh_arena_strdup(a, b.data);
    dh_buf_free(&b);
    return out ? out : said;
}

/* The next page of a dh_list_all_tokens, asked for: its own deadline and retries, from now. */
static void fetch_next_page(dh_call *c) {
    c->want_next = false;
    c->attempt = 0;
    c->maybe_acted = false;
    if (arm_deadline(c)) start_attempt(c);
    else fail(c, DH_ERR_NO_MEMORY, "out of memory", false);
}

/* After a page of dh_list_all_tokens: point the call at the next page, or say there is none. */
static bool next_page(dh_call *c, const dh_token_page *page) {
    int next = dh_pager_advance(c->pager, page);
    if (!next) return false;
    free(c->url);
    c->url = dh_url_tokens(c->client->base_url, c->org, NULL, &(dh_list_options){next, c->pager->page_size});
    return c->url != NULL;
}

static void on_http_done(void *call, const dh_http_response *resp) {
    dh_call *c = call;
    dh_client *cl = c->client;
    c->handle = NULL;

    if (resp->failure != DH_HTTP_OK) {
        if (schedule_retry(c, resp->failure, 0, -1)) return;
        dh_code code;
        bool maybe_created;
        const char *msg = failure_message(c, resp->failure, &code, &maybe_created);
        fail(c, code, msg, maybe_created);
        return;
    }

    reply_store rs = {0};
    rs.arena = dh_arena_new();
    if (!rs.arena) {
        fail(c, DH_ERR_NO_MEMORY, "out of memory", false);
        return;
    }
    dh_reply *r = &rs.reply;
    r->status = resp->status;
    r->body = resp->body_len ? resp->body : NULL;
    r->body_len = resp->body_len;
    dh_header *headers = NULL;
    r->header_count = dh_headers_unpack(resp->raw_headers, resp->raw_headers_len, rs.arena, &headers);
    r->headers = headers;
    /* A server may echo the JWT or the secret in a header (WWW-Authenticate, say). */
    const char *secrets[] = {cl->secret, cl->bearer, c->authorization ? c->authorization + 7 : NULL};
    const size_t n_secrets = sizeof secrets / sizeof *secrets;
    for (size_t i = 0; i < r->header_count; i++) {
        headers[i].name = dh_redact_name(rs.arena, headers[i].name, secrets, n_secrets);
        headers[i].value = dh_redact(rs.arena, headers[i].value, secrets, n_secrets);
    }
    r->error = &rs.error;
    rs.error.retry_after = -1;

    if (c->op == DH_OP_DELETE && resp->status == 404 && c->maybe_acted) {
        /* An earlier attempt whose answer was lost may have deleted it: gone is what was asked. */
        r->error = NULL;
        r->body = NULL;
        r->body_len = 0;
        r->already_deleted = 1;
    } else if (resp->status < 200 || resp->status > 299) {
        if (!dh_error_from_response(resp->status, resp->body, resp->body_len, secrets, n_secrets,
                                    rs.arena, &rs.error)) {
            r->body = NULL; /* it echoed a secret */
            r->body_len = 0;
        }
        rs.error.retry_after = dh_retry_after(headers, r->header_count, resp->status, cl->tr.now_unix(cl->tr.ctx));
        if (resp->status == 401 && c->op != DH_OP_AUTH && can_renew(cl) && !c->reauthed) {
            /* The JWT was refused: sign in again, once, then try this call once more. A JWT
             * renewed by another call since this one was sent is simply used. */
            c->reauthed = true;
            if (cl->bearer && c->authorization && strcmp(c->authorization + 7, cl->bearer) == 0)
                set_bearer(cl, NULL);
            store_free(&rs);
            start_attempt(c);
            return;
        }
        if (schedule_retry(c, DH_HTTP_OK, resp->status, rs.error.retry_after)) {
            store_free(&rs);
            return;
        }
        rs.error.message = oat_refusal(c, rs.arena, resp->status, rs.error.message);
    } else {
        const char *why = decode_success(c, resp, &rs);
        if (why) {
            rs.error.code = DH_ERR_INVALID_RESPONSE;
            rs.error.status = resp->status;
            rs.error.message = why;
            r->page = NULL;
            r->token = NULL;
        } else {
            r->error = NULL;
        }
    }

    if (c->pager && r->page) r->more = next_page(c, r->page);
    if (settle(c, &rs) && c->want_next) fetch_next_page(c);
}

/* ---- public ---- */

dh_client *dh_client_new(const dh_config *cfg, const char **err) {
    static const char *oom = "out of memory";
    const char *why = NULL;
    if (!cfg || !cfg->transport.send || !cfg->transport.cancel || !cfg->transport.now_ms ||
        !cfg->transport.now_unix || !cfg->transport.set_timer || !cfg->transport.clear_timer)
        why = "a transport with send, cancel, clocks and timers is required";
    else if (cfg->bearer && dh_check_header_value(cfg->bearer)) why = "token may hold only visible ASCII characters";
    else if ((cfg->identifier == NULL) != (cfg->secret == NULL)) why = "credentials need both identifier and secret";
    else if (cfg->secret && (!*cfg->identifier || !*cfg->secret)) why = "credentials need a non-empty identifier and secret";
    else if (!!cfg->bearer + !!cfg->secret + !!cfg->token_provider > 1) why = "give one of token, credentials or a token provider";
    if (why) {
        if (err) *err = why;
        return NULL;
    }
    dh_client *cl = calloc(1, sizeof *cl);
    if (!cl) {
        if (err) *err = oom;
        return NULL;
    }
    cl->bearer_exp = -1;
    cl->tr = cfg->transport;
    why = dh_check_base_url(cfg->base_url, &cl->base_url);
    if (!why && cfg->bearer && set_bearer(cl, cfg->bearer) != DH_OK) why = oom;
    if (!why && cfg->secret &&
        (!(cl->identifier = dh_strdup(cfg->identifier)) || !(cl->secret = dh_strdup(cfg->secret))))
        why = oom;
    if (why) {
        if (err) *err = why;
        dh_client_free(cl);
        return NULL;
    }
    cl->auth = cfg->token_provider ? AUTH_PROVIDER : cfg->secret ? AUTH_CREDENTIALS : cfg->bearer ? AUTH_STATIC : AUTH_NONE;
    cl->provider = cfg->token_provider;
    cl->provider_ctx = cfg->token_provider_ctx;
    cl->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 30000;
    cl->max_retries = cfg->max_retries < 0 ? 3 : cfg->max_retries;
    cl->retry_base_ms = cfg->retry_base_ms ? cfg->retry_base_ms : 500;
    cl->retry_cap_ms = cfg->retry_cap_ms ? cfg->retry_cap_ms : 20000;
    cl->max_response_bytes = cfg->max_response_bytes ? cfg->max_response_bytes : (size_t)16 << 20;
    cl->rng = (uint64_t)(cl->tr.now_ms(cl->tr.ctx) * 1000.0) ^ (uint64_t)(uintptr_t)cl ^ 0x9E3779B97F4A7C15ULL;
    if (!cl->rng) cl->rng = 1;
    return cl;
}

dh_code dh_client_set_bearer(dh_client *cl, const char *bearer) { return set_bearer(cl, bearer); }

void dh_client_token_ready(dh_client *cl, const char *jwt, const char *why_not) {
    if (!cl->provider_pending) return;
    cl->provider_pending = false;
    if (jwt && set_bearer(cl, jwt) == DH_OK) {
        auth_settled(cl, NULL, NULL);
        return;
    }
    dh_error e = {.code = DH_ERR_UNAUTHORIZED,
                  .message = jwt ? "the token function returned a value that cannot be sent as a bearer token"
                                 : (why_not ? why_not : "no token was given"),
                  .retry_after = -1};
    auth_settled(cl, &e, NULL);
}

int dh_cancel(dh_client *cl, const void *user) {
    int n = 0;
    for (;;) {
        /* Look again from the start each time: a callback may have changed the list. */
        dh_call *c = cl->calls;
        while (c && !(c->cb && c->user == user && !c->in_callback)) {
            if (c->cb && c->user == user) c->stop = true; /* a list_all stopped from its own callback */
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
    start_attempt(c);
    return DH_OK;
}

#define CHECK(cond_why, what)                                                           \
    do {                                                                                \
        const char *why_ = (cond_why);                                                  \
        if (why_) return refuse(op, cb, user, DH_ERR_INVALID_ARGUMENT, what, why_);     \
    } while (0)

dh_code dh_list_tokens(dh_client *cl, const char *org, const dh_list_options *o, dh_callback cb,
                       void *user) {
    const dh_op op = DH_OP_LIST;
    dh_list_options opts = o ? *o : (dh_list_options){0};
    CHECK(dh_check_name(org), "org ");
    CHECK(dh_check_list_options(&opts), "");
    return start(cl, op, "GET", dh_url_tokens(cl->base_url, org, NULL, &opts), NULL, cb, user);
}

dh_code dh_list_all_tokens(dh_client *cl, const char *org, int page_size, dh_callback cb, void *user) {
    const dh_op op = DH_OP_LIST;
    CHECK(dh_check_name(org), "org ");
    CHECK(page_size < 1 || page_size > 100 ? "pageSize must be a whole number from 1 to 100" : NULL, "");
    dh_call *c = new_call(cl, op, "GET", dh_url_tokens(cl->base_url, org, NULL, &(dh_list_options){1, page_size}),
                          NULL, cb, user);
    if (c && (!(c->org = dh_strdup(org)) || !(c->pager = malloc(sizeof *c->pager)))) {
        call_free(c);
        c = NULL;
    }
    if (!c) return refuse(op, cb, user, DH_ERR_NO_MEMORY, "", "out of memory");
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
