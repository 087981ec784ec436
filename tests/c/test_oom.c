/* Attack: every allocation of a whole scripted call sequence fails in turn (the Nth, for every N
 * until a run needs no failure). Each run must end with each callback called exactly once, no
 * block left (the counting allocator, and ASan in build/asan), and an out-of-memory reported. */
#include <stdlib.h>
#include <string.h>

#include "scripted_transport.h"
#include "test.h"

static long live, taken, fail_at, failed;

static int should_fail(void) {
    if (++taken != fail_at) return 0;
    failed++;
    return 1;
}
static void *f_malloc(size_t n) {
    void *p = should_fail() ? NULL : malloc(n);
    live += p != NULL;
    return p;
}
static void *f_calloc(size_t n, size_t size) {
    void *p = should_fail() ? NULL : calloc(n, size);
    live += p != NULL;
    return p;
}
static void *f_realloc(void *old, size_t n) {
    void *p = should_fail() ? NULL : realloc(old, n);
    if (!old && p) live++;
    return p;
}
static void f_free(void *p) {
    live -= p != NULL;
    free(p);
}

#define JWT "eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl"
#define TOKEN                                                                                      \
    "{\"id\":\"t1\",\"label\":\"ci\",\"is_active\":true,\"created_by\":\"o\","                     \
    "\"created_at\":\"2026-01-01T00:00:00.000000Z\",\"expires_at\":null,\"last_used_at\":null,"    \
    "\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"acme/api\",\"scopes\":[\"scope-image-pull\"]}]"

/* The server's answer to request i, by what it asks. */
static void answer(scripted *st, int i) {
    const char *u = st->req[i].url, *m = st->req[i].method;
    if (strstr(u, "/v2/auth/token"))
        st_respond(st, i, 200, "X-A: 1\r\n", "{\"access_token\":\"" JWT "\"}");
    else if (strcmp(m, "POST") == 0)
        st_respond(st, i, 201, NULL, TOKEN ",\"token\":\"dckr_oat_abcdefghijklmnop\"}");
    else if (strcmp(m, "PATCH") == 0) st_respond(st, i, 200, NULL, TOKEN "}");
    else if (strcmp(m, "DELETE") == 0) st_respond(st, i, 204, NULL, NULL);
    else if (strstr(u, "/t1")) st_respond(st, i, 200, "X-RateLimit-Remaining: 4\r\n", TOKEN "}");
    else if (strstr(u, "/t2"))
        st_respond(
            st, i, 400, "WWW-Authenticate: Bearer x\r\n",
            "{\"message\":\"no\",\"errinfo\":{\"a\":[1,{\"b\":\"c\"}]},\"fields\":{\"label\":[\"bad\"]}}");
    else if (strstr(u, "page=2"))
        st_respond(st, i, 200, NULL,
                   "{\"total\":2,\"next\":null,\"results\":[{\"id\":\"t2\",\"label\":\"b\"}]}");
    else
        st_respond(
            st, i, 200, NULL,
            "{\"total\":2,\"next\":\"http://x/v2/orgs/acme/access-tokens?page=2\",\"results\":[{\"id\":\"t1\",\"label\":\"a\"}]}");
}

enum { N_CALLS = 7 };

/* How many times each call was settled (a reply with no page to follow): exactly once, always. */
static int finals[N_CALLS];
static seen *base_seen;
static void settle(const dh_reply *r, void *user) {
    record(r, user);
    if (!r->more) finals[(seen *)user - base_seen]++;
}

typedef struct run {
    seen s[N_CALLS];
    int next_asked;
} run;

/* One whole sequence: sign-in, list, list-all (two pages), get, an error, create, update, delete.
 */
static int run_once(run *r) {
    scripted st = {0};
    dh_config cfg = {.base_url = "http://127.0.0.1:9",
                     .identifier = "owner",
                     .secret = "hunter2hunter2",
                     .max_retries = 0,
                     .transport = st_transport(&st)};
    const char *err = NULL;
    dh_client *c = dh_client_new(&cfg, &err);
    if (!c) {
        st_free(&st);
        return 0;
    }
    base_seen = r->s;
    memset(finals, 0, sizeof finals);
    const char *scopes[] = {"scope-image-pull"};
    dh_resource res = {"TYPE_REPO", "acme/api", scopes, 1};
    dh_create_request cr = {.label = "ci", .resources = &res, .resource_count = 1};
    dh_update_request ur = {.label = "ci2"};
    dh_list_tokens(c, "acme", NULL, settle, &r->s[0]);
    dh_list_all_tokens(c, "acme", 1, settle, &r->s[1]);
    dh_get_token(c, "acme", "t1", settle, &r->s[2]);
    dh_get_token(c, "acme", "t2", settle, &r->s[3]);
    dh_create_token(c, "acme", &cr, settle, &r->s[4]);
    dh_update_token(c, "acme", "t1", &ur, settle, &r->s[5]);
    dh_delete_token(c, "acme", "t1", settle, &r->s[6]);
    for (int progress = 1; progress;) {
        progress = 0;
        for (int i = 0; i < st.count; i++)
            if (st.req[i].state == 0) {
                answer(&st, i);
                progress = 1;
            }
        if (!progress && r->s[1].more && r->s[1].code == DH_OK && r->s[1].pages > r->next_asked) {
            r->next_asked++;
            dh_list_all_next(c, &r->s[1]); /* a refusal settles the call: counted in finals */
            progress = 1;
        }
    }
    dh_client_free(c);
    st_free(&st);
    return 1;
}

static void every_allocation_fails_in_turn(void) {
    dh_allocators mine = {f_malloc, f_calloc, f_realloc, f_free};
    dh_set_allocators(&mine);
    long saw_oom = 0;
    for (fail_at = 1;; fail_at++) {
        live = taken = failed = 0;
        run r;
        memset(&r, 0, sizeof r);
        int made = run_once(&r);
        int oom = !made;
        for (int k = 0; k < N_CALLS; k++) {
            if (made && finals[k] != 1) {
                fprintf(stderr, "fail_at %ld: call %d settled %d times\n", fail_at, k, finals[k]);
                test_failures++;
            }
            oom = oom || r.s[k].code == DH_ERR_NO_MEMORY;
        }
        if (live != 0) {
            fprintf(stderr, "fail_at %ld: %ld blocks left\n", fail_at, live);
            test_failures++;
        }
        /* An error's words may shrink (a generic sentence, "[redacted]") when memory runs out,
         * but no call may blame a valid answer for it. */
        for (int k = 0; k < N_CALLS; k++)
            if (r.s[k].code == DH_ERR_INVALID_RESPONSE) {
                fprintf(stderr, "fail_at %ld: call %d: invalid_response (%s), not no_memory\n",
                        fail_at, k, r.s[k].message);
                test_failures++;
            }
        saw_oom += oom;
        if (!failed) break;
    }
    CHECK(fail_at > 30); /* the sequence takes many blocks (hundreds under ASan, one per node): the
                            counter saw them */
    CHECK(saw_oom > fail_at / 3);
    dh_reset_allocators();
}

TEST_GROUP(oom_tests) = {{"every_allocation_fails_in_turn", every_allocation_fails_in_turn},
                         END_GROUP};
