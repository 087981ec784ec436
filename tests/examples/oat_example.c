/* dockerhub-oat from C, natively, over libcurl: sign in, list, create, rotate, delete.
 *
 *   DOCKERHUB_IDENTIFIER=my-user DOCKERHUB_SECRET=... DOCKERHUB_ORG=my-org \
 *   [DOCKERHUB_BASE_URL=http://127.0.0.1:4010] ./oat_example
 *
 * Blocking style: each operation is started, then dh_curl_run waits until it has settled.
 * Prints labels and ids, and of a created token's secret only its length: a real program would
 * hand the secret to its secret store here, and print nothing of it.
 *
 * Build against an install: cc oat_example.c $(pkg-config --cflags --libs dockerhub-oat) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dockerhub_oat.h"
#include "dockerhub_oat_curl.h"

/* What a callback keeps of a reply (the reply itself is borrowed). */
typedef struct outcome {
    dh_code code;
    char message[256];
    char id[64];
    char label[128];
} outcome;

static void keep_error(outcome *o, const dh_reply *r) {
    o->code = r->error ? r->error->code : DH_OK;
    if (r->error) snprintf(o->message, sizeof o->message, "%s", r->error->message);
}

static void on_list(const dh_reply *r, void *user) {
    keep_error(user, r);
    if (r->error) return;
    printf("listed %zu tokens (total %lld)\n", r->page->count, (long long)r->page->total);
    for (size_t i = 0; i < r->page->count; i++)
        printf("  %-24s %s\n", r->page->results[i].label, r->page->results[i].id);
}

static void on_create(const dh_reply *r, void *user) {
    outcome *o = user;
    keep_error(o, r);
    if (r->error) return;
    snprintf(o->id, sizeof o->id, "%s", r->token->id);
    snprintf(o->label, sizeof o->label, "%s", r->token->label);
    /* The secret is shown once, here; store it, never print it. */
    printf("received a secret of %zu characters\n", r->token->token ? strlen(r->token->token) : 0);
}

static void on_done(const dh_reply *r, void *user) { keep_error(user, r); }

/* Runs the loop until the call settles; false (and a line on stderr) if it failed. */
static int settle(dh_curl *loop, outcome *o, const char *what) {
    if (dh_curl_run(loop) != 0) {
        fprintf(stderr, "%s: the network loop failed\n", what);
        return 0;
    }
    if (o->code != DH_OK) fprintf(stderr, "%s: %s: %s\n", what, dh_code_name(o->code), o->message);
    return o->code == DH_OK;
}

static int create(dh_client *cl, dh_curl *loop, const char *org, const char *label, outcome *o) {
    static const char *const scopes[] = {"scope-image-pull"};
    const dh_resource res = {"TYPE_REPO", "*/*/public", scopes, 1};
    const dh_create_request req = {.label = label,
                                   .description = "made by oat_example",
                                   .resources = &res,
                                   .resource_count = 1};
    *o = (outcome){0};
    dh_create_token(cl, org, &req, on_create, o);
    return settle(loop, o, "create");
}

static int delete_token(dh_client *cl, dh_curl *loop, const char *org, const char *id) {
    outcome o = {0};
    dh_delete_token(cl, org, id, on_done, &o);
    return settle(loop, &o, "delete");
}

static int run(dh_client *cl, dh_curl *loop, const char *org) {
    outcome o = {0};
    dh_list_tokens(cl, org, &(dh_list_options){.page_size = 100}, on_list, &o);
    if (!settle(loop, &o, "list")) return 0;

    char label[64];
    snprintf(label, sizeof label, "oat-example-%ld", (long)getpid());
    outcome first, second;
    if (!create(cl, loop, org, label, &first)) return 0;
    printf("created %s (%s)\n", first.label, first.id);

    /* Rotation: the new token exists before the old one goes, so its users are never without. */
    snprintf(label, sizeof label, "oat-example-%ld-next", (long)getpid());
    if (!create(cl, loop, org, label, &second)) return 0;
    if (!delete_token(cl, loop, org, first.id)) return 0;
    printf("rotated %s (%s) -> %s (%s)\n", first.label, first.id, second.label, second.id);

    if (!delete_token(cl, loop, org, second.id)) return 0;
    printf("deleted %s (%s)\n", second.label, second.id);
    return 1;
}

int main(void) {
    const char *identifier = getenv("DOCKERHUB_IDENTIFIER"), *secret = getenv("DOCKERHUB_SECRET");
    const char *org = getenv("DOCKERHUB_ORG");
    if (!identifier || !secret || !org) {
        fprintf(stderr, "set DOCKERHUB_IDENTIFIER, DOCKERHUB_SECRET and DOCKERHUB_ORG "
                        "(and DOCKERHUB_BASE_URL for another server than hub.docker.com)\n");
        return 2;
    }
    const char *why = NULL;
    dh_curl *loop = dh_curl_new(NULL, &why); /* freed last */
    if (!loop) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    dh_config cfg = {.base_url = getenv("DOCKERHUB_BASE_URL"),
                     .identifier = identifier,
                     .secret = secret,
                     .max_retries = -1,
                     .transport = dh_curl_transport(loop)};
    dh_client *cl = dh_client_new(&cfg, &why); /* keeps its own copy of the secret */
    if (!cl) {
        fprintf(stderr, "%s\n", why);
        dh_curl_free(loop);
        return 1;
    }
    int ok = run(cl, loop, org);
    dh_client_free(cl);
    dh_curl_free(loop);
    return ok ? 0 : 1;
}
