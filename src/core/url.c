/* Request URLs: path parts percent-encoded, whatever validation already let through. */
#include <stdlib.h>

#include "internal.h"

void dh_url_encode(dh_buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            dh_buf_append(b, (const char *)p, 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            dh_buf_append(b, esc, 3);
        }
    }
}

char *dh_url_tokens(const char *base, const char *org, const char *id, const dh_list_options *o) {
    dh_buf b = {0};
    dh_buf_puts(&b, base);
    dh_buf_puts(&b, "/v2/orgs/");
    dh_url_encode(&b, org);
    dh_buf_puts(&b, "/access-tokens");
    if (id) {
        dh_buf_puts(&b, "/");
        dh_url_encode(&b, id);
    }
    if (o) {
        dh_buf_puts(&b, "?page=");
        dh_buf_int(&b, o->page ? o->page : 1);
        dh_buf_puts(&b, "&page_size=");
        dh_buf_int(&b, o->page_size ? o->page_size : 10);
    }
    return dh_buf_take(&b);
}
