/* The blocking way: start calls, then dh_curl_run returns once all have settled.
 *   cc -std=c11 blocking.c $(pkg-config --cflags --libs dockerhub-oat) -o blocking */
#include "common.h"

int main(void) {
    const char *why;
    dh_curl *loop = dh_curl_new(NULL, &why); /* free with dh_curl_free, last */
    if (!loop) return fprintf(stderr, "%s\n", why), 1;
    dh_client *hub = example_client(loop); /* free with dh_client_free, first */
    if (!hub) return dh_curl_free(loop), 1;
    int listed = 0;
    dh_list_tokens(hub, getenv("DOCKERHUB_ORG"), NULL, example_print_labels, &listed);
    int run = dh_curl_run(loop);
    dh_client_free(hub);
    dh_curl_free(loop);
    return run == 0 && listed == 1 ? 0 : 1;
}
