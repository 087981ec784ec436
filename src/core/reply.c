/* An answer from the transport, in three steps: classify it (a failure without an answer, a
 * delete already done, an error status, a success), retry what may be retried, and decode the
 * rest into the dh_reply that complete() hands to the callback. */
#include <stdlib.h>
#include <string.h>

#include "call.h"

/* A failure without an answer: its code, and a message that names the host's reason. */
static const char *failure_message(const dh_call *c, dh_http_failure f, dh_code *code,
                                   bool *maybe_created) {
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
        *maybe_created = c->op == DH_OP_CREATE; /* the answer came: a 201 too long to read */
        return *maybe_created
                   ? "the response body is larger than max_response_bytes; the token may have been "
                     "created: list the tokens"
                   : "the response body is larger than max_response_bytes";
    case DH_HTTP_HEADERS_TOO_LARGE:
        *code = DH_ERR_INVALID_RESPONSE;
        *maybe_created = c->op == DH_OP_CREATE; /* an answer began: the server acted */
        return *maybe_created
                   ? "Docker Hub's response headers are larger than the transport reads (256 KiB in all, "
                     "100 KiB a line); the token may have been created: list the tokens"
                   : "Docker Hub's response headers are larger than the transport reads (256 KiB in all, "
                     "100 KiB a line)";
    case DH_HTTP_MALFORMED:
        *code = DH_ERR_INVALID_RESPONSE;
        *maybe_created = c->op == DH_OP_CREATE;
        return *maybe_created
                   ? "Docker Hub's answer is not valid HTTP; the token may have been created: list the tokens"
                   : "Docker Hub's answer is not valid HTTP";
    case DH_HTTP_REDIRECTED:
        /* The host followed it: a 307 or 308 sent the request again, body and all. */
        *code = DH_ERR_UNEXPECTED_STATUS;
        *maybe_created = c->op == DH_OP_CREATE;
        return *maybe_created
                   ? "Docker Hub's answer came from another URL (a redirect the host followed), and "
                     "redirects are refused; the token may have been created: list the tokens"
                   : "Docker Hub's answer came from another URL (a redirect the host followed), and "
                     "redirects are refused";
    case DH_HTTP_RESET:
        *maybe_created = c->op == DH_OP_CREATE;
        return *maybe_created
                   ? "the connection to Docker Hub was reset; the token may have been created: "
                     "list the tokens before creating it again"
                   : "the connection to Docker Hub was reset or closed early";
    case DH_HTTP_TIMEOUT: *code = DH_ERR_TIMEOUT; break;
    default: break;
    }
    return lost_message(c, *code, maybe_created);
}

/* No answer came: another try, or the failure that ends the call. */
static void on_failure(dh_call *c, dh_http_failure failure) {
    if (schedule_retry(c, failure, 0, -1)) return;
    dh_code code;
    bool maybe_created;
    const char *msg = failure_message(c, failure, &code, &maybe_created);
    fail(c, code, msg, maybe_created);
}

/* What the server may echo back of ours: the credential secret, the JWT, this attempt's JWT. */
enum { N_SECRETS = 3 };
static void call_secrets(const dh_call *c, const char *out[N_SECRETS]) {
    out[0] = c->client->secret;
    out[1] = c->client->bearer;
    out[2] = sent_bearer(c);
}

static bool first_of_name(const dh_header *h, size_t i) {
    for (size_t j = 0; j < i; j++)
        if (strcmp(h[i].name, h[j].name) == 0) return false;
    return true;
}

/* A repeated name (Set-Cookie comes one value a header) is read joined, "a, b, c", as fetch's
 * Headers and the JS bindings join it: a run of a secret could span a join. Then all go. */
static void redact_joins(dh_header *h, size_t n, const dh_redactor *red) {
    for (size_t i = 0; i < n; i++) {
        if (!first_of_name(h, i)) continue;
        dh_buf b = {.wipe = true};
        size_t count = 0;
        for (size_t j = i; j < n; j++) {
            if (strcmp(h[i].name, h[j].name) != 0) continue;
            if (count++) dh_buf_puts(&b, ", ");
            dh_buf_puts(&b, h[j].value);
        }
        bool hides = count >= 2 && (b.oom || dh_redactor_finds(red, b.data, b.len));
        dh_buf_free(&b);
        for (size_t j = i; hides && j < n; j++)
            if (strcmp(h[i].name, h[j].name) == 0) h[j].value = "[redacted]";
    }
}

/* A fresh key for a redactor's prints: splitmix64 over the client's seed, a counter, and the
 * transport's random where it has one. */
static uint64_t fresh_key(dh_client *cl) {
    uint64_t k = cl->rng + ++cl->keys * 0x9E3779B97F4A7C15ULL;
    if (cl->tr.random) k ^= (uint64_t)(cl->tr.random(cl->tr.ctx) * 9007199254740992.0);
    k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ULL;
    k = (k ^ (k >> 27)) * 0x94d049bb133111ebULL;
    return k ^ (k >> 31);
}

/* The client's redactor for the secrets of call c (and, through it, the tokens the client made):
 * the one it keeps, or a new one when they changed (a renewed JWT, or a call that sent an older
 * one). A JWT is known by its generation (set_bearer counts them), so the common case compares
 * two numbers. NULL on oom: then everything is redacted whole. */
static const dh_redactor *client_redactor(const dh_call *c) {
    dh_client *cl = c->client;
    uint64_t want = (uint64_t)cl->bearer_gen << 32 | (c->authorization ? c->auth_gen : UINT32_MAX);
    if (cl->own && cl->own_for == want) return cl->own;
    const char *secrets[N_SECRETS];
    call_secrets(c, secrets);
    dh_redactor_free(cl->own);
    cl->own = dh_redactor_new(fresh_key(cl), 0);
    for (size_t i = 0; cl->own && i < N_SECRETS; i++) dh_redactor_add(cl->own, secrets[i]);
    dh_redactor_set_also(cl->own, cl->made);
    cl->own_for = want;
    return cl->own;
}

dh_redactor *dh_client_redactor(dh_client *cl) {
    dh_redactor *r = dh_redactor_new(fresh_key(cl), 0);
    if (!r) return NULL;
    dh_redactor_add(r, cl->secret); /* an add that runs out of memory fails closed */
    dh_redactor_add(r, cl->bearer);
    dh_redactor_set_also(r, cl->made);
    return r;
}

/* A created token's secret, remembered (as prints only) so that a later reply that echoes it is
 * redacted like the client's own; at most DH_MADE_MAX, the oldest forgotten. */
static void remember_made(dh_client *cl, const char *secret) {
    if (!cl->made && (cl->made = dh_redactor_new(fresh_key(cl), DH_MADE_MAX)))
        dh_redactor_set_also(cl->own, cl->made);
    if (cl->made) dh_redactor_add(cl->made, secret);
}

/* The reply's status, body and headers (unpacked, and redacted, names and values: a server may
 * echo the JWT or the secret in one, WWW-Authenticate, say). False on oom. */
static bool open_reply(const dh_call *c, const dh_http_response *resp, reply_store *rs) {
    rs->arena = dh_arena_new();
    if (!rs->arena) return false;
    dh_reply *r = &rs->reply;
    r->status = resp->status;
    r->body = resp->body_len ? resp->body : NULL;
    r->body_len = resp->body_len;
    dh_header *headers = NULL;
    r->header_count =
        dh_headers_unpack(resp->raw_headers, resp->raw_headers_len, rs->arena, &headers);
    r->headers = headers;
    const dh_redactor *red = r->header_count ? client_redactor(c) : NULL;
    for (size_t i = 0; i < r->header_count; i++) {
        headers[i].name = dh_redactor_apply(rs->arena, red, headers[i].name);
        headers[i].value = dh_redactor_apply(rs->arena, red, headers[i].value);
    }
    redact_joins(headers, r->header_count, red);
    r->error = &rs->error;
    rs->error.retry_after = -1;
    return true;
}

/* An OAT can sign in (as its organization) but never manage OATs, and Docker Hub's 401 or 403
 * does not say so: name the cause and what to use. `said` (redacted already) follows. */
static const char *oat_refusal(const dh_call *c, dh_arena *a, int status, const char *said) {
    static const char oat[] = "dckr_oat_";
    const dh_client *cl = c->client;
    const char *sent = sent_bearer(c);
    bool sent_oat = (cl->secret && strncmp(cl->secret, oat, sizeof oat - 1) == 0) ||
                    (sent && strncmp(sent, oat, sizeof oat - 1) == 0);
    if ((status != 401 && status != 403) || !sent_oat) return said;
    dh_buf b = {0};
    dh_buf_puts(
        &b,
        "an organization access token (dckr_oat_...) cannot manage organization access "
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

/* A non-2xx answer's error: its words, and its body withheld where it echoed a secret. */
static void read_error(const dh_call *c, const dh_http_response *resp, reply_store *rs) {
    dh_reply *r = &rs->reply;
    const dh_redactor *red = client_redactor(c);
    if (!dh_error_from_response_with(resp->status, resp->body, resp->body_len, red, rs->arena,
                                     &rs->error)) {
        r->body = NULL;
        r->body_len = 0;
    }
    const dh_client *cl = c->client;
    rs->error.retry_after =
        dh_retry_after(r->headers, r->header_count, resp->status, cl->tr.now_unix(cl->tr.ctx));
}

/* An error status: true when the call goes on (signed in again, or retried after a wait). */
static bool retry_error(dh_call *c, int status, const reply_store *rs) {
    dh_client *cl = c->client;
    if (status == 401 && c->op != DH_OP_AUTH && can_renew(cl) && !c->reauthed) {
        /* The JWT was refused: sign in again, once, then try this call once more. A JWT renewed
         * by another call since this one was sent is simply used. */
        c->reauthed = true;
        const char *sent = sent_bearer(c);
        if (cl->bearer && sent && strcmp(sent, cl->bearer) == 0) set_bearer(cl, NULL);
        start_attempt(c);
        return true;
    }
    return schedule_retry(c, DH_HTTP_OK, status, rs->error.retry_after);
}

/* A 2xx answer: decode what the operation promises; NULL or why it is not that. */
static const char *decode_success(dh_call *c, const dh_http_response *resp, reply_store *rs) {
    dh_reply *r = &rs->reply;
    const char *why = NULL;
    switch (c->op) {
    case DH_OP_DELETE: break;
    case DH_OP_LIST:
        why = dh_decode_page(resp->body, resp->body_len, rs->arena, &rs->root, &rs->page);
        if (!why) r->page = &rs->page;
        break;
    case DH_OP_AUTH: {
        char *jwt = dh_decode_auth(resp->body, resp->body_len, &why);
        dh_code set = jwt ? set_bearer(c->client, jwt) : DH_OK;
        if (set == DH_ERR_NO_MEMORY) why = DH_OOM_MESSAGE;
        else if (set != DH_OK) why = "the sign-in answer has no usable access_token";
        dh_wipe_free(jwt);
        break;
    }
    default:
        why = dh_decode_token(resp->body, resp->body_len, rs->arena, &rs->root, &rs->token);
        if (!why && c->op == DH_OP_CREATE && !rs->token.token)
            why = "the created token's secret is missing from the answer";
        if (!why) r->token = &rs->token;
        if (!why && c->op == DH_OP_CREATE) remember_made(c->client, rs->token.token);
    }
    return why;
}

/* A 2xx: the decoded result, or an invalid_response that says why there is none. */
static void decode_answer(dh_call *c, const dh_http_response *resp, reply_store *rs) {
    const char *why = decode_success(c, resp, rs);
    if (!why) {
        rs->reply.error = NULL;
        return;
    }
    /* A decoder that ran out of memory: the body may be fine. */
    rs->error.code = dh_is_oom(why) ? DH_ERR_NO_MEMORY : DH_ERR_INVALID_RESPONSE;
    rs->error.status = resp->status;
    rs->error.message = why;
    if (c->op == DH_OP_CREATE) {
        /* A 2xx: Docker Hub made the token, whose secret is now lost. Say so, or it is made twice.
         */
        rs->error.maybe_created = true;
        dh_buf b = {0};
        dh_buf_puts(&b, why);
        dh_buf_puts(
            &b, "; the token was created: list the tokens, and delete it before creating it again");
        const char *said = b.oom ? NULL : dh_arena_strdup(rs->arena, b.data);
        dh_buf_free(&b);
        if (said) rs->error.message = said;
    }
    rs->reply.page = NULL;
    rs->reply.token = NULL;
}

/* After a page of dh_list_all_tokens: point the call at the next page, or say there is none. */
static bool next_page(dh_call *c, const dh_token_page *page) {
    int next = dh_pager_advance(c->pager, page);
    if (!next) return false;
    dh_free(c->url);
    c->url = dh_url_tokens(c->client->base_url, c->org, NULL,
                           &(dh_list_options){next, c->pager->page_size});
    return c->url != NULL;
}

void on_http_done(void *call, const dh_http_response *resp) {
    dh_call *c = call;
    c->handle = NULL;
    if (resp->failure != DH_HTTP_OK) {
        on_failure(c, resp->failure);
        return;
    }
    reply_store rs = {0};
    if (!open_reply(c, resp, &rs)) {
        fail(c, DH_ERR_NO_MEMORY, DH_OOM_MESSAGE, false);
        return;
    }
    dh_reply *r = &rs.reply;
    if (c->op == DH_OP_DELETE && resp->status == 404 && c->maybe_acted) {
        /* An earlier attempt whose answer was lost may have deleted it: gone is what was asked. */
        r->error = NULL;
        r->body = NULL;
        r->body_len = 0;
        r->already_deleted = 1;
    } else if (resp->status < 200 || resp->status > 299) {
        read_error(c, resp, &rs);
        if (retry_error(c, resp->status, &rs)) {
            reply_free(&rs);
            return;
        }
        rs.error.message = oat_refusal(c, rs.arena, resp->status, rs.error.message);
    } else {
        decode_answer(c, resp, &rs);
    }
    if (c->pager && r->page) r->more = next_page(c, r->page);
    if (complete(c, &rs) && c->want_next) fetch_next_page(c);
}
