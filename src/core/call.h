/* The client's own state, shared by its four files and no other:
 *   client.c  the public entry points: arguments checked, a call started, or refused at once
 *   auth.c    the bearer JWT, and the one sign-in every waiting call shares
 *   call.c    a call's life: send, deadline, retry timer, and complete() that ends it
 *   reply.c   an answer from the transport: classified, retried, or decoded into a dh_reply
 * A call's life: start_attempt -> (wait for sign-in) -> send_request -> on_http_done -> a retry
 * after a wait, or complete(). A deadline timer bounds the whole of it; dh_cancel and
 * dh_client_free cut it short. Every path ends in complete(), which runs the callback and frees
 * the call. */
#ifndef DH_CALL_H
#define DH_CALL_H

#include "internal.h"

typedef struct dh_call dh_call;

/* The scheme in front of the token in an Authorization header: a call's authorization is BEARER
 * followed by the client's bearer (a JWT, or the token it was given) as that call sent it. */
#define BEARER "Bearer "

typedef enum { AUTH_NONE, AUTH_STATIC, AUTH_CREDENTIALS, AUTH_PROVIDER } auth_mode;

struct dh_call {
    dh_client *client;
    dh_call *prev, *next; /* the client's calls, oldest first */
    dh_op op;
    const char *method;
    char *url;
    char *body;          /* wiped on free: a create's body or the sign-in secret */
    char *authorization; /* BEARER + the bearer, as last sent; wiped on free */
    uint32_t auth_gen;   /* the client's bearer_gen when it was made */
    dh_callback cb;      /* NULL for the client's own sign-in */
    void *user;
    void *handle; /* the transport's, while a request is out */
    void *deadline_timer, *retry_timer;
    double deadline_ms;
    int attempt; /* retries made */
    bool waiting_auth, reauthed, in_callback, stop;
    bool released;    /* its sign-in ended: sign_in_done is about to let it go on or fail it */
    bool maybe_acted; /* an earlier attempt may have reached the server and been done */
    char *org;        /* dh_list_all_tokens: the org, and where the pages stand */
    dh_pager *pager;
    bool parked;    /* a page was handed over; the next waits for dh_list_all_next */
    bool want_next; /* dh_list_all_next came from that page's own callback */
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
    uint32_t bearer_gen; /* counts set_bearer's changes: a bearer is known by its generation */
    /* The redaction of replies and errors (reply.c): `own` for the secrets of the moment (the
     * credential secret, the JWT, the JWT a call sent), rebuilt when they change (own_for: the
     * generations of the two JWTs it was built for); `made` for the tokens this client created,
     * at most DH_MADE_MAX of them, made on the first create. Both wiped on free. */
    dh_redactor *own, *made;
    uint64_t own_for, keys;
};

#define DH_MADE_MAX 1000

/* Everything a reply borrows, freed after the callback (reply_free). */
typedef struct reply_store {
    dh_arena *arena;
    struct cJSON *root;
    dh_reply reply;
    dh_error error;
    dh_token token;
    dh_token_page page;
} reply_store;

/* ---- call.c ---- */
/* A call on the client's list with its deadline armed; it owns url and body (freed even when it
 * returns NULL, on oom). Free with call_free, or let complete() free it. */
dh_call *new_call(dh_client *cl, dh_op op, const char *method, char *url, char *body,
                  dh_callback cb, void *user);
void call_free(dh_call *c);
/* The bearer the call last sent (its authorization past BEARER), NULL before it sent one. */
const char *sent_bearer(const dh_call *c);
void start_attempt(dh_call *c);
void send_request(dh_call *c);
bool arm_deadline(dh_call *c);
/* Another try, if the rules allow one and it can start before the deadline. `retry_after` is
 * the server's word in seconds (-1: none). */
bool schedule_retry(dh_call *c, dh_http_failure failure, int status, int64_t retry_after);
/* Runs the callback with the reply, frees the reply, and frees the call unless more pages of a
 * dh_list_all_tokens follow (then it returns true and the call lives on). */
bool complete(dh_call *c, reply_store *rs);
/* Completes a call with an error that no answer carried: a refusal, a failure, a close. */
void fail(dh_call *c, dh_code code, const char *message, bool maybe_created);
void reply_free(reply_store *rs);
/* The next page of a dh_list_all_tokens, asked for: its own deadline and retries, from now. */
void fetch_next_page(dh_call *c);
/* A create whose request went out may have made a token even though no answer came back. */
const char *lost_message(const dh_call *c, dh_code code, bool *maybe_created);

/* ---- auth.c ---- */
dh_code set_bearer(dh_client *cl, const char *jwt);
bool can_renew(const dh_client *cl);
bool needs_sign_in(const dh_client *cl);
void request_sign_in(dh_client *cl);
/* The sign-in ended: every waiting call goes on with the JWT, or fails with `err`; `from`
 * lends its status and headers to those failures. */
void sign_in_done(dh_client *cl, const dh_error *err, const dh_reply *from);

/* ---- reply.c ---- */
/* The transport's dh_http_done for every request a call sends. */
void on_http_done(void *call, const dh_http_response *resp);

#endif
