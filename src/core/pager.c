/* Auto-pagination's guards. Only the page number is taken from a `next` URL: the request
 * still goes to the configured base URL, so a `next` on another host is never contacted. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int dh_next_page_number(const char *next) {
    if (!next) return 0;
    const char *q = strchr(next, '?');
    if (!q) return 0;
    for (const char *p = q + 1; *p;) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *hash = memchr(p, '#', n);
        if (hash) n = (size_t)(hash - p);
        if (n > 5 && strncmp(p, "page=", 5) == 0) {
            long v = 0;
            size_t i = 5;
            for (; i < n && p[i] >= '0' && p[i] <= '9' && v <= 100000000; i++)
                v = v * 10 + (p[i] - '0');
            return i == n && v >= 1 && v <= 100000000 ? (int)v : 0;
        }
        if (!end || hash) break;
        p = end + 1;
    }
    return 0;
}

void dh_pager_init(dh_pager *pg, int page_size) {
    memset(pg, 0, sizeof *pg);
    pg->page_size = page_size;
    pg->page = 1;
}

int dh_pager_advance(dh_pager *pg, const dh_token_page *page) {
    if (pg->seen_count < DH_PAGER_SEEN_MAX) pg->seen[pg->seen_count++] = pg->page;
    pg->pages_done++;
    /* The first page's total bounds the pages; without one, only the guards below stop it. A
     * first page shorter than asked, with more to come, is the server's own page size (a cap). */
    if (pg->pages_done == 1) {
        int64_t per = page->count > 0 && (int64_t)page->count < pg->page_size ? (int64_t)page->count
                                                                              : pg->page_size;
        pg->max_pages = page->total >= 0 ? (page->total + per - 1) / per : -1;
    }
    int next = dh_next_page_number(page->next);
    if (!next || page->count == 0 || (pg->max_pages >= 0 && pg->pages_done >= pg->max_pages))
        return 0;
    for (size_t i = 0; i < pg->seen_count; i++)
        if (pg->seen[i] == next) return 0;
    if (pg->seen_count >= DH_PAGER_SEEN_MAX) return 0;
    pg->page = next;
    return next;
}
