/* 10 000 mixed calls through one client: successes, errors, invalid answers, retries, aborts,
 * timeouts, pages. Under ASan/LeakSanitizer and valgrind (scripts/check-native.sh) this proves
 * the heap comes back to where it started. */
#include <stdlib.h>

#include "internal.h"
#include "scripted_transport.h"
#include "test.h"

static int settled;

static void count(const dh_reply *r, void *user) {
    (void)r;
    (void)user;
    settled++;
}

static void reset(scripted *st) {
    st_free(st);
    if (!st_timers_armed(st)) st->timer_count = 0;
}

static void ten_thousand_mixed_calls(void) {
    scripted st = {.random = 0.0};
    dh_config cfg = {.base_url = "http://127.0.0.1:9",
                     .identifier = "acme-owner",
                     .secret = "pw",
                     .timeout_ms = 1000,
                     .max_retries = 1,
                     .transport = st_transport(&st)};
    dh_client *c = dh_client_new(&cfg, NULL);
    CHECK(c != NULL);
    static const char *scopes[] = {"scope-image-pull"};
    static const dh_resource res = {"TYPE_REPO", "acme/api", scopes, 1};
    const char *tok =
        "{\"id\":\"t1\",\"label\":\"ci\",\"resources\":[{\"type\":\"TYPE_REPO\",\"path\":\"acme/api\",\"scopes\":[\"scope-image-pull\"]}]}";
    int started = 0;
    settled = 0;
    int user = 0;
    for (int i = 0; i < 10000; i++) {
        int kind = i % 10;
        int base = st.count;
        switch (kind) {
        case 0: dh_get_token(c, "acme", "t1", count, &user); break;
        case 1: dh_list_tokens(c, "acme", NULL, count, &user); break;
        case 2:
            dh_create_token(
                c, "acme",
                &(dh_create_request){.label = "x", .resources = &res, .resource_count = 1}, count,
                &user);
            break;
        case 3:
            dh_update_token(c, "acme", "t1", &(dh_update_request){.is_active = 0}, count, &user);
            break;
        case 4: dh_delete_token(c, "acme", "t1", count, &user); break;
        case 5: dh_get_token(c, "acme", "t1", count, &user); break;
        case 6: dh_get_token(c, "acme", "t1", count, &user); break;
        case 7: dh_get_token(c, "acme", "t1", count, &user); break;
        case 8: dh_list_all_tokens(c, "acme", 1, count, &user); break;
        default: dh_get_token(c, "acme", "../bad", count, &user); break; /* refused */
        }
        started++;
        if (st.count > base && strstr(st.req[base].url, "/v2/auth/token")) {
            st_respond(&st, base, 200, NULL, "{\"access_token\":\"jwt.a.b\"}");
            base++;
        }
        switch (kind) {
        case 0: st_respond(&st, base, 200, "X-RateLimit-Remaining: 5\r\n", tok); break;
        case 1:
            st_respond(
                &st, base, 200, NULL,
                "{\"total\":1,\"next\":null,\"previous\":null,\"results\":[{\"id\":\"a\"}]}");
            break;
        case 2: st_respond(&st, base, 201, NULL, "{\"id\":\"t2\",\"token\":\"dckr_oat_x\"}"); break;
        case 3:
            st_respond(&st, base, 400, NULL, "{\"fields\":{\"label\":[\"bad\"]},\"text\":\"bad\"}");
            break;
        case 4: st_respond(&st, base, 204, NULL, NULL); break;
        case 5: /* a retry, then an invalid answer */
            st_respond(&st, base, 503, "Retry-After: 0\r\n", "<html>busy</html>");
            st_advance(&st, 0);
            st_respond(&st, base + 1, 200, NULL, "{\"id\":7}");
            break;
        case 6: dh_cancel(c, &user); break;
        case 7: st_advance(&st, 1000); break; /* the deadline */
        case 8:
            st_respond(&st, base, 200, NULL,
                       "{\"total\":2,\"next\":\"/x?page=2\",\"results\":[{\"id\":\"a\"}]}");
            dh_list_all_next(c, &user);
            st_respond(&st, base + 1, 200, NULL,
                       "{\"total\":2,\"next\":null,\"results\":[{\"id\":\"b\"}]}");
            break;
        default: break;
        }
        if (i % 40 == 39) {
            if (i % 400 == 399) dh_client_set_bearer(c, NULL); /* force a sign-in now and then */
            reset(&st);
        }
    }
    /* Every call settled once; list_all settles once per page. */
    CHECK(settled == started + 1000);
    CHECK(st_timers_armed(&st) == 0);
    dh_client_free(c);
    st_free(&st);
}

TEST_GROUP(soak_tests) = {{"ten_thousand_mixed_calls", ten_thousand_mixed_calls}, END_GROUP};
