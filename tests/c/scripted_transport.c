#include "scripted_transport.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_n(const char *s, size_t n) {
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void *st_send(void *ctx, const dh_http_request *r, dh_http_done done, void *call) {
    scripted *st = ctx;
    if (st->refuse_next) {
        st->refuse_next = 0;
        return NULL;
    }
    if (st->count >= ST_MAX) abort();
    st_request *q = &st->req[st->count++];
    snprintf(q->method, sizeof q->method, "%s", r->method);
    q->url = dup_n(r->url, strlen(r->url));
    size_t len = 0;
    for (const char *const *h = r->headers; *h; h += 2) len += strlen(h[0]) + strlen(h[1]) + 3;
    q->headers = calloc(1, len + 1);
    for (const char *const *h = r->headers; *h; h += 2) {
        strcat(q->headers, h[0]);
        strcat(q->headers, ": ");
        strcat(q->headers, h[1]);
        strcat(q->headers, "\n");
    }
    q->body = r->body ? dup_n(r->body, r->body_len) : NULL;
    q->done = done;
    q->call = call;
    q->state = 0;
    return q;
}

static void st_cancel(void *ctx, void *handle) {
    (void)ctx;
    ((st_request *)handle)->state = 2;
}

static double st_now(void *ctx) { return ((scripted *)ctx)->now; }

static int64_t st_unix(void *ctx) {
    scripted *st = ctx;
    return (st->unix0 ? st->unix0 : 1800000000) + (int64_t)(st->now / 1000);
}

static void *st_set_timer(void *ctx, uint32_t ms, void (*fire)(void *), void *arg) {
    scripted *st = ctx;
    if (st->timer_count >= ST_MAX) abort();
    st_timer *t = &st->timers[st->timer_count++];
    *t = (st_timer){st->now + ms, fire, arg, 1};
    return t;
}

static void st_clear_timer(void *ctx, void *timer) {
    (void)ctx;
    ((st_timer *)timer)->armed = 0;
}

static double st_random(void *ctx) {
    scripted *st = ctx;
    return st->random;
}

dh_transport st_transport(scripted *st) {
    return (dh_transport){st,      st_send,      st_cancel,      st_now,
                          st_unix, st_set_timer, st_clear_timer, st_random};
}

void st_advance(scripted *st, double ms) {
    double end = st->now + ms;
    for (;;) {
        st_timer *next = NULL;
        for (int i = 0; i < st->timer_count; i++)
            if (st->timers[i].armed && st->timers[i].at <= end &&
                (!next || st->timers[i].at < next->at))
                next = &st->timers[i];
        if (!next) break;
        st->now = next->at;
        next->armed = 0;
        next->fire(next->arg);
    }
    st->now = end;
}

int st_timers_armed(const scripted *st) {
    int n = 0;
    for (int i = 0; i < st->timer_count; i++) n += st->timers[i].armed;
    return n;
}

static void answer(scripted *st, int i, const dh_http_response *resp) {
    st_request *q = &st->req[i];
    if (i >= st->count || q->state != 0) {
        fprintf(stderr, "scripted: request %d is not pending\n", i);
        abort();
    }
    q->state = 1;
    q->done(q->call, resp);
}

void st_respond(scripted *st, int i, int status, const char *raw_headers, const char *body) {
    dh_http_response resp = {DH_HTTP_OK,  status,
                             raw_headers, raw_headers ? strlen(raw_headers) : 0,
                             body,        body ? strlen(body) : 0};
    answer(st, i, &resp);
}

void st_fail(scripted *st, int i, dh_http_failure failure) {
    dh_http_response resp = {.failure = failure};
    answer(st, i, &resp);
}

const char *st_header(scripted *st, int i, const char *name) {
    static char value[4096];
    size_t n = strlen(name);
    for (const char *line = st->req[i].headers; *line;) {
        const char *eol = strchr(line, '\n');
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            snprintf(value, sizeof value, "%.*s", (int)(eol - line - n - 2), line + n + 2);
            return value;
        }
        line = eol + 1;
    }
    return NULL;
}

void st_free(scripted *st) {
    for (int i = 0; i < st->count; i++) {
        free(st->req[i].url);
        free(st->req[i].headers);
        free(st->req[i].body);
    }
    st->count = 0;
}

void record(const dh_reply *r, void *user) {
    seen *s = user;
    s->calls++;
    s->status = r->status;
    s->code = r->error ? r->error->code : DH_OK;
    s->more = r->more;
    s->already_deleted = r->already_deleted;
    if (r->error) {
        snprintf(s->message, sizeof s->message, "%s", r->error->message);
        s->retry_after = r->error->retry_after;
        s->maybe_created = r->error->maybe_created;
    }
    if (r->token) {
        snprintf(s->id, sizeof s->id, "%s", r->token->id);
        if (r->token->token) snprintf(s->secret, sizeof s->secret, "%s", r->token->token);
    }
    if (r->page) {
        s->pages++;
        s->items += (int)r->page->count;
        s->count = r->page->count;
        s->total = r->page->total;
    }
    const char *h = dh_header_get(r->headers, r->header_count, "x-ratelimit-remaining");
    if (h) snprintf(s->header, sizeof s->header, "%s", h);
}
