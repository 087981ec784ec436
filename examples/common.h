/* What the examples share: a client from the environment, and a callback that prints labels.
 *   DOCKERHUB_IDENTIFIER, DOCKERHUB_SECRET   a user and their password or PAT
 *   DOCKERHUB_ORG                            the organization
 *   DOCKERHUB_BASE_URL                       unset: hub.docker.com (npx dockerhub-oat sandbox) */
#ifndef DH_EXAMPLES_COMMON_H
#define DH_EXAMPLES_COMMON_H
#include <stdio.h>
#include <stdlib.h>

#include "dockerhub_oat.h"
#include "dockerhub_oat_curl.h"

/* A client on `loop`; NULL (and why, printed) when refused. Free with dh_client_free. */
static inline dh_client *example_client(dh_curl *loop) {
    const char *why;
    dh_config cfg = {.base_url = getenv("DOCKERHUB_BASE_URL"),
                     .identifier = getenv("DOCKERHUB_IDENTIFIER"),
                     .secret = getenv("DOCKERHUB_SECRET"),
                     .max_retries = -1,
                     .transport = dh_curl_transport(loop)};
    dh_client *hub = dh_client_new(&cfg, &why);
    if (!hub) fprintf(stderr, "%s\n", why);
    return hub;
}

/* dh_callback for a list: prints each label on a line; *(int *)user becomes 1 on success and
 * -1 on an error. The reply is borrowed: nothing of it is kept. */
static inline void example_print_labels(const dh_reply *r, void *user) {
    if (r->error) {
        fprintf(stderr, "%s: %s\n", dh_code_name(r->error->code), r->error->message);
        *(int *)user = -1;
        return;
    }
    for (size_t i = 0; i < r->page->count; i++) printf("%s\n", r->page->results[i].label);
    *(int *)user = 1;
}
#endif
