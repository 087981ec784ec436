/* The library on a libuv loop, through the header-only adapter <dockerhub_oat/adapters/libuv.h>.
 * It lists the tokens, then every token page by page (dh_list_all_tokens, each page asked for
 * from the callback, so the adapter follows calls started inside the loop too).
 *   cc -std=c11 libuv.c $(pkg-config --cflags --libs dockerhub-oat libuv) -o libuv
 * (uv.h needs POSIX's types, which -std=c11 hides unless asked for.) */
#define _POSIX_C_SOURCE 200809L
#include "common.h"
#include "dockerhub_oat/adapters/libuv.h"

static dh_client *hub;

static void on_page(const dh_reply *r, void *user) {
    example_print_labels(r, user);
    if (!r->error && r->more) dh_list_all_next(hub, user);
}

int main(void) {
    const char *why;
    dh_curl *loop = dh_curl_new(NULL, &why);
    if (!loop) return fprintf(stderr, "%s\n", why), 1;
    hub = example_client(loop);
    if (!hub) return dh_curl_free(loop), 1;
    uv_loop_t *uv = uv_default_loop();
    dh_libuv *adapter = dh_libuv_attach(uv, loop);
    if (!adapter) return dh_client_free(hub), dh_curl_free(loop), 1;

    int listed = 0, all = 0;
    dh_list_tokens(hub, getenv("DOCKERHUB_ORG"), NULL, example_print_labels, &listed);
    dh_list_all_tokens(hub, getenv("DOCKERHUB_ORG"), 2, on_page, &all);
    dh_libuv_update(adapter);
    uv_run(uv, UV_RUN_DEFAULT); /* returns when both calls have settled */

    int failed = dh_libuv_failed(adapter);
    dh_libuv_detach(adapter);
    uv_run(uv, UV_RUN_DEFAULT); /* runs the adapter's close callbacks */
    dh_client_free(hub);
    dh_curl_free(loop);
    uv_loop_close(uv);
    return !failed && listed == 1 && all == 1 ? 0 : 1;
}
