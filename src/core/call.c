/* A call's life: sending, the deadline, the retry timer, and complete(), where every call ends
 * (see call.h for the whole path). */
#include <stdlib.h>
#include <string.h>

#include "call.h"

static void clear_timer(dh_client *cl, void **timer) {
    if (*timer) cl->tr.clear_timer(cl->tr.ctx, *timer);
    *timer = NULL;
}

void call_free(dh_call *c) {
    dh_client *cl = c->client;
    clear_timer(cl, &c->deadline_timer);
    clear_timer(cl, &c->retry_timer);
    if (c->handle) cl->tr.cancel(cl->tr.ctx, c->handle);
    if (c->prev) c->prev->next = c->next;
    else cl->calls = c->next;
    if (c->next) c->next->prev = c->prev;
    else cl->calls_tail = c->prev;
    if (cl->auth_call == c) cl->auth_call = NULL;
    dh_free(c->url);
    dh_free(c->org);
    dh_free(c->pager);
    dh_wipe_free(c->body);
    dh_wipe_free(c->authorization);
    dh_free(c);
}

static double now_ms(dh_client *cl) { return cl->tr.now_ms(cl->tr.ctx); }

static double unit_random(dh_client *cl) {
    if (cl->tr.random) return cl->tr.random(cl->tr.ctx);
    cl->rng ^= cl->rng << 13; /* xorshift64: jitter needs spread, not secrecy */
    cl->rng ^= cl->rng >> 7;
    cl->rng ^= cl->rng << 17;
    return (double)(cl->rng >> 11) / 9007199254740992.0;
}

/* ---- completing ---- */

void reply_free(reply_store *rs) {
    /* A created token's secret lives in the tree: zero it before the tree is freed. */
    if (rs->reply.token && rs->reply.token->token)
        dh_wipe((char *)rs->reply.token->token, strlen(rs->reply.token->token));
    dh_arena_free(rs->arena); /* the tree (rs->root) with it */
}

bool complete(dh_call *c, reply_store *rs) {
    dh_client *cl = c->client;
    if (cl->auth_call == c) {
        /* The sign-in ends here, however it ended: release the calls that waited for it. */
        cl->auth_call = NULL;
        sign_in_done(cl, rs->reply.error, &rs->reply);
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
    reply_free(rs);
    if (rs->reply.more && !c->stop) return true;
    call_free(c);
    return false;
}

void fail(dh_call *c, dh_code code, const char *message, bool maybe_created) {
    reply_store rs = {0};
    rs.arena = dh_arena_new();
    rs.error = (dh_error){
        .code = code, .message = message, .retry_after = -1, .maybe_created = maybe_created};
    rs.reply.error = &rs.error;
    complete(c, &rs);
}

const char *lost_message(const dh_call *c, dh_code code, bool *maybe_created) {
    *maybe_created = c->op == DH_OP_CREATE;
    if (code == DH_ERR_TIMEOUT)
        return *maybe_created
                   ? "Docker Hub did not answer in time; the token may have been created: "
                     "list the tokens before creating it again"
                   : "Docker Hub did not answer in time";
    return *maybe_created
               ? "the connection to Docker Hub was lost; the token may have been created: "
                 "list the tokens before creating it again"
               : "could not reach Docker Hub (connection refused, reset or lost)";
}

/* ---- sending, retrying, deadlines ---- */

/* BEARER + the client's bearer into c->authorization, as this attempt sends it; false on oom. */
static bool take_authorization(dh_call *c) {
    dh_buf b = {.wipe = true};
    dh_buf_puts(&b, BEARER);
    dh_buf_puts(&b, c->client->bearer);
    c->authorization = dh_buf_take(&b);
    c->auth_gen = c->client->bearer_gen;
    return c->authorization != NULL;
}

const char *sent_bearer(const dh_call *c) {
    return c->authorization ? c->authorization + sizeof BEARER - 1 : NULL;
}

void send_request(dh_call *c) {
    dh_client *cl = c->client;
    const char *headers[8];
    size_t h = 0;
    headers[h++] = "Accept";
    headers[h++] = "application/json";
    dh_wipe_free(c->authorization);
    c->authorization = NULL;
    if (c->op != DH_OP_AUTH && cl->bearer) {
        if (!take_authorization(c)) {
            fail(c, DH_ERR_NO_MEMORY, DH_OOM_MESSAGE, false);
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
    dh_http_request req = {
        c->method, c->url, headers, c->body, c->body ? strlen(c->body) : 0, cl->max_response_bytes};
    c->handle = cl->tr.send(cl->tr.ctx, &req, on_http_done, c);
    if (!c->handle) fail(c, DH_ERR_NETWORK, "the request could not be started", false);
}

void start_attempt(dh_call *c) {
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
    const char *msg = was_sent ? lost_message(c, DH_ERR_TIMEOUT, &maybe_created)
                               : "Docker Hub did not answer in time";
    fail(c, DH_ERR_TIMEOUT, msg, maybe_created);
}

bool arm_deadline(dh_call *c) {
    dh_client *cl = c->client;
    clear_timer(cl, &c->deadline_timer);
    c->deadline_ms = now_ms(cl) + cl->timeout_ms;
    c->deadline_timer = cl->tr.set_timer(cl->tr.ctx, cl->timeout_ms, on_deadline, c);
    return c->deadline_timer != NULL;
}

bool schedule_retry(dh_call *c, dh_http_failure failure, int status, int64_t retry_after) {
    dh_client *cl = c->client;
    if (c->attempt >= cl->max_retries || !dh_is_retryable(c->op, failure, status)) return false;
    double wait = retry_after >= 0 ? (double)retry_after * 1000.0
                                   : dh_backoff_ms(c->attempt, cl->retry_base_ms, cl->retry_cap_ms,
                                                   unit_random(cl));
    if (now_ms(cl) + wait >= c->deadline_ms) return false;
    c->attempt++;
    /* Lost on the way back, or a gateway's error: the server may have done it all the same. */
    if (failure == DH_HTTP_NETWORK || failure == DH_HTTP_RESET || failure == DH_HTTP_TIMEOUT ||
        (failure == DH_HTTP_OK && status >= 502 && status <= 504))
        c->maybe_acted = true;
    c->retry_timer = cl->tr.set_timer(cl->tr.ctx, (uint32_t)wait, on_retry_timer, c);
    return c->retry_timer != NULL;
}

dh_call *new_call(dh_client *cl, dh_op op, const char *method, char *url, char *body,
                  dh_callback cb, void *user) {
    dh_call *c = dh_calloc(1, sizeof *c);
    if (!c || !url) {
        dh_free(c);
        dh_free(url);
        dh_wipe_free(body);
        return NULL;
    }
    *c = (dh_call){.client = cl,
                   .op = op,
                   .method = method,
                   .url = url,
                   .body = body,
                   .cb = cb,
                   .user = user,
                   .prev = cl->calls_tail};
    if (cl->calls_tail) cl->calls_tail->next = c;
    else cl->calls = c;
    cl->calls_tail = c;
    if (!arm_deadline(c)) {
        call_free(c);
        return NULL;
    }
    return c;
}

void fetch_next_page(dh_call *c) {
    c->want_next = false;
    c->attempt = 0;
    c->maybe_acted = false;
    if (arm_deadline(c)) start_attempt(c);
    else fail(c, DH_ERR_NO_MEMORY, DH_OOM_MESSAGE, false);
}
