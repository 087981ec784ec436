/* dh_next_page_number on the whole input as a URL, then the pager fed with decoded pages: the
 * input is split into bodies at each line "----"; the first byte picks the page size. The pager
 * must stop, never ask twice for the same page, and only ask for pages the next URLs named. */
#include "cJSON.h"
#include "fuzz.h"
#include "internal.h"

static const char *find_sep(const char *p, const char *end) {
    for (; p + 5 <= end; p++)
        if (memcmp(p, "\n----", 5) == 0) return p;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *url = fuzz_cstr(data, size);
    int pn = dh_next_page_number(url);
    FUZZ_CHECK(pn >= 0 && pn <= 100000000);
    free(url);
    if (size < 1) return 0;

    dh_pager pg;
    int page_size = 1 + data[0] % 100;
    dh_pager_init(&pg, page_size);
    FUZZ_CHECK(pg.page == 1);
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    int asked[DH_PAGER_SEEN_MAX + 8];
    size_t n_asked = 0;
    asked[n_asked++] = 1;
    while (p < end) {
        const char *sep = find_sep(p, end);
        size_t len = (size_t)((sep ? sep : end) - p);
        char *body = fuzz_copy((const uint8_t *)p, len);
        dh_arena *a = dh_arena_new();
        if (!a) abort();
        cJSON *root = NULL;
        dh_token_page page;
        const char *why = dh_decode_page(body, len, a, &root, &page);
        int next = 0;
        if (!why) {
            int named = dh_next_page_number(page.next);
            next = dh_pager_advance(&pg, &page);
            if (next) {
                FUZZ_CHECK(next == named && next == pg.page);
                for (size_t i = 0; i < n_asked; i++) FUZZ_CHECK(asked[i] != next);
                FUZZ_CHECK(n_asked < sizeof asked / sizeof *asked);
                asked[n_asked++] = next;
                FUZZ_CHECK(pg.max_pages < 0 ? pg.pages_done < DH_PAGER_SEEN_MAX
                                            : pg.pages_done <= pg.max_pages);
            }
        }
        dh_arena_free(a); /* the tree with it */
        free(body);
        if (!next || !sep) break;
        p = sep + 5;
    }
    return 0;
}
