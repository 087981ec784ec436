/* A transport for native tests: records each request; the test answers it when it likes. */
#ifndef SCRIPTED_TRANSPORT_H
#define SCRIPTED_TRANSPORT_H
#include "dockerhub_oat.h"

#define ST_MAX 64

typedef struct st_request {
    char method[16];
    char *url;
    char *headers; /* "Name: value\n" lines */
    char *body;    /* NULL for none */
    dh_http_done done;
    void *call;
    int state; /* 0 pending, 1 answered, 2 cancelled */
} st_request;

typedef struct st_timer {
    double at;
    void (*fire)(void *arg);
    void *arg;
    int armed;
} st_timer;

/* Zero-initialised, the clock starts at 0 ms and unix time 1,800,000,000. */
typedef struct scripted {
    st_request req[ST_MAX];
    int count;
    int refuse_next; /* send returns NULL once */
    double now;      /* fake monotonic clock, ms */
    int64_t unix0;   /* unix seconds at now == 0 */
    double random;   /* what random() returns */
    st_timer timers[ST_MAX];
    int timer_count;
} scripted;

dh_transport st_transport(scripted *st);
/* Answers request i. raw_headers like "X-A: 1\r\n"; body may be NULL. */
void st_respond(scripted *st, int i, int status, const char *raw_headers, const char *body);
void st_fail(scripted *st, int i, dh_http_failure failure);
/* The value of header `name` in request i, or NULL. Static buffer. */
const char *st_header(scripted *st, int i, const char *name);
void st_free(scripted *st);
/* Moves the fake clock forward, firing due timers in order. */
void st_advance(scripted *st, double ms);
/* Timers armed and not yet fired or cleared. */
int st_timers_armed(const scripted *st);

/* What a test's callback keeps of each reply: `record` is the dh_callback, a `seen` its user. */
typedef struct seen {
    int calls, pages, items;
    dh_code code;
    int status, more, maybe_created, already_deleted;
    int64_t retry_after;
    char message[512], id[64], secret[64];
    char header[64]; /* x-ratelimit-remaining, when the reply has it */
    size_t count;    /* of the last page */
    int64_t total;   /* of the last page */
} seen;

void record(const dh_reply *r, void *user);
#endif
