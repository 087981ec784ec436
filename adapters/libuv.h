/*
 * dockerhub-oat on a libuv loop, in the style of hiredis's adapters: header-only, nothing to link
 * but libuv. Installed as <dockerhub_oat/adapters/libuv.h>; examples/libuv.c uses it.
 *
 *   dh_curl *curl = dh_curl_new(NULL, &err);
 *   dh_libuv *uv = dh_libuv_attach(uv_default_loop(), curl);   NULL when out of memory
 *   dh_list_tokens(hub, "acme", NULL, on_list, &state);
 *   dh_libuv_update(uv);           after starting calls outside a callback of the loop
 *   uv_run(uv_default_loop(), UV_RUN_DEFAULT);                  returns once every call settled
 *   dh_libuv_detach(uv);           then let uv_run close its handles; dh_curl_free(curl) after
 *
 * It watches what dh_curl_fdset and dh_curl_timeout_ms say, with one uv_poll_t per socket and
 * one uv_timer_t, and calls dh_curl_step(curl, 0) when any of them fires; callbacks of the
 * client run there. While nothing is pending it holds no active handle, so uv_run can return.
 * libcurl may close a socket and open another with the same number between two steps, so the
 * poll handles are made anew after each step rather than kept. Sockets above FD_SETSIZE cannot
 * be watched (dh_curl_fdset's limit).
 */
#ifndef DOCKERHUB_OAT_ADAPTERS_LIBUV_H
#define DOCKERHUB_OAT_ADAPTERS_LIBUV_H

#include <stdlib.h>
#include <sys/select.h>
#include <uv.h>

#include "dockerhub_oat_curl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dh_libuv {
    uv_loop_t *uv;
    dh_curl *curl;
    uv_timer_t timer;
    uv_poll_t **polls; /* watching now: closed and made anew after each step */
    int npolls, cap;
    int failed; /* dh_curl_step failed: the loop is unusable, nothing is watched */
} dh_libuv;

static inline void dh_libuv__free_poll(uv_handle_t *h) { free(h); }
static inline void dh_libuv__sync(dh_libuv *a);

static inline void dh_libuv__due(dh_libuv *a) {
    if (dh_curl_step(a->curl, 0) < 0) a->failed = 1;
    dh_libuv__sync(a);
}
static inline void dh_libuv__on_poll(uv_poll_t *p, int status, int events) {
    (void)status, (void)events;
    dh_libuv__due((dh_libuv *)p->data);
}
static inline void dh_libuv__on_timer(uv_timer_t *t) { dh_libuv__due((dh_libuv *)t->data); }

static inline void dh_libuv__unwatch(dh_libuv *a) {
    for (int i = 0; i < a->npolls; i++) uv_close((uv_handle_t *)a->polls[i], dh_libuv__free_poll);
    a->npolls = 0;
    uv_timer_stop(&a->timer);
}

/* Watches the sockets and the time dh_curl asks for now. */
static inline void dh_libuv__sync(dh_libuv *a) {
    dh_libuv__unwatch(a);
    if (a->failed || dh_curl_pending(a->curl) == 0) return;
    fd_set rd, wr, ex;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    int max_fd = -1;
    if (dh_curl_fdset(a->curl, &rd, &wr, &ex, &max_fd) != 0) max_fd = -1;
    for (int fd = 0; fd <= max_fd; fd++) {
        int events = (FD_ISSET(fd, &rd) ? UV_READABLE : 0) | (FD_ISSET(fd, &wr) ? UV_WRITABLE : 0);
        if (!events) continue;
        if (a->npolls == a->cap) {
            int cap = a->cap ? a->cap * 2 : 4;
            uv_poll_t **grown = (uv_poll_t **)realloc(a->polls, (size_t)cap * sizeof *grown);
            if (!grown) break; /* the timer still steps the loop */
            a->polls = grown;
            a->cap = cap;
        }
        uv_poll_t *p = (uv_poll_t *)malloc(sizeof *p);
        if (!p) break;
        if (uv_poll_init(a->uv, p, fd) != 0) {
            free(p);
            continue;
        }
        p->data = a;
        a->polls[a->npolls++] = p;
        uv_poll_start(p, events, dh_libuv__on_poll);
    }
    long ms = dh_curl_timeout_ms(a->curl);
    /* No socket to offer yet (a name being resolved): look again soon, as libcurl advises. */
    if (ms < 0 || (a->npolls == 0 && ms > 100)) ms = 100;
    uv_timer_start(&a->timer, dh_libuv__on_timer, (uint64_t)ms, 0);
}

/* Attaches the loop `curl` to the libuv loop `uv`. Free with dh_libuv_detach. */
static inline dh_libuv *dh_libuv_attach(uv_loop_t *uv, dh_curl *curl) {
    dh_libuv *a = (dh_libuv *)calloc(1, sizeof *a);
    if (!a) return NULL;
    a->uv = uv;
    a->curl = curl;
    uv_timer_init(uv, &a->timer);
    a->timer.data = a;
    dh_libuv__sync(a);
    return a;
}

/* Call after starting calls from outside the loop's callbacks (inside them it is done for you). */
static inline void dh_libuv_update(dh_libuv *a) { dh_libuv__sync(a); }

/* Did libcurl fail (dh_curl_step returned -1)? Then free the clients and the dh_curl. */
static inline int dh_libuv_failed(const dh_libuv *a) { return a->failed; }

static inline void dh_libuv__free(uv_handle_t *timer) {
    dh_libuv *a = (dh_libuv *)timer->data;
    free(a->polls);
    free(a);
}

/* Stops watching and frees the adapter once uv_run has run the close callbacks. */
static inline void dh_libuv_detach(dh_libuv *a) {
    dh_libuv__unwatch(a);
    uv_close((uv_handle_t *)&a->timer, dh_libuv__free);
}

#ifdef __cplusplus
}
#endif
#endif
