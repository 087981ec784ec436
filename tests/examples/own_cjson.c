/* A program that lives beside the library with names of its own: a fail() (the library once
 * exported one), and its own cJSON (Debian's libcjson) with its own allocator hooks. It links
 * against the installed library, static or shared, and proves that:
 *   - it links at all (no "multiple definition of `fail'", no cJSON symbol clash);
 *   - the library's JSON parsing never calls its hooks (our cJSON is private);
 *   - its hooks are still its own after the library has parsed (never replaced).
 * Then it lists the org's tokens (DOCKERHUB_* as in the README) and prints their labels.
 *   cc own_cjson.c $(pkg-config --cflags --libs dockerhub-oat libcjson) -o own_cjson */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "dockerhub_oat.h"
#include "dockerhub_oat_curl.h"

static int allocations; /* by the program's cJSON hooks */

static void *counting_malloc(size_t n) {
    allocations++;
    return malloc(n);
}

/* The program's own fail(), and two more names the library's archive once defined. */
void fail(const char *why);
void fail(const char *why) {
    fprintf(stderr, "own_cjson: %s\n", why);
    exit(1);
}
int complete(void);
int complete(void) { return 0; }
int send_request(void);
int send_request(void) { return complete(); }

static int listed;
static void on_list(const dh_reply *r, void *user) {
    (void)user;
    if (r->error) fail(r->error->message);
    for (size_t i = 0; i < r->page->count; i++) printf("%s\n", r->page->results[i].label);
    listed = 1;
}

static int parse_with_own_cjson(void) {
    int before = allocations;
    cJSON *doc = cJSON_Parse("{\"mine\":[1,2,3]}");
    if (!doc) fail("the program's own cJSON could not parse");
    cJSON_Delete(doc);
    return allocations - before;
}

int main(void) {
    cJSON_Hooks hooks = {counting_malloc, free};
    cJSON_InitHooks(&hooks);
    if (parse_with_own_cjson() == 0) fail("the program's cJSON hooks are not called");

    const char *why;
    dh_curl *loop = dh_curl_new(NULL, &why);
    if (!loop) fail(why);
    dh_config cfg = {.base_url = getenv("DOCKERHUB_BASE_URL"),
                     .identifier = getenv("DOCKERHUB_IDENTIFIER"),
                     .secret = getenv("DOCKERHUB_SECRET"),
                     .transport = dh_curl_transport(loop)};
    dh_client *hub = dh_client_new(&cfg, &why);
    if (!hub) fail(why);
    int before = allocations;
    dh_list_tokens(hub, getenv("DOCKERHUB_ORG"), NULL, on_list,
                   NULL); /* sign-in and list: JSON parsed */
    if (dh_curl_run(loop) != 0 || !listed) fail("the list did not complete");
    if (allocations != before) fail("the library's JSON parsing called the program's cJSON hooks");
    dh_client_free(hub);
    dh_curl_free(loop);

    if (parse_with_own_cjson() == 0) fail("the program's cJSON hooks were replaced");
    printf("own fail() and own cJSON hooks untouched (library %s)\n", dh_version());
    return 0;
}
