/* The libcurl transport's header and body callbacks (see transport_curl_rx.h). */
#include "transport_curl_rx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Grows *buf to hold need bytes, doubling, never past limit. False on oom. */
static bool reserve(char **buf, size_t *cap, size_t need, size_t limit) {
    if (need <= *cap) return true;
    size_t cap2 = *cap ? *cap : 1024;
    while (cap2 < need) cap2 = cap2 > SIZE_MAX / 2 ? need : cap2 * 2;
    if (cap2 > limit) cap2 = limit;
    char *p = realloc(*buf, cap2);
    if (!p) return false;
    *buf = p;
    *cap = cap2;
    return true;
}

/* Appends n bytes to the header block, within its limit. */
static bool keep_header_bytes(dh_curl_rx *rx, const char *data, size_t n) {
    if (n > DH_CURL_MAX_HEADER_BYTES - rx->headers_len) {
        rx->headers_too_large = true;
        return false;
    }
    if (!reserve(&rx->headers, &rx->headers_cap, rx->headers_len + n + 1,
                 DH_CURL_MAX_HEADER_BYTES + 1)) {
        rx->oom = true;
        return false;
    }
    memcpy(rx->headers + rx->headers_len, data, n);
    rx->headers_len += n;
    rx->headers[rx->headers_len] = '\0';
    return true;
}

/* An obs-fold line (one that starts with a space or a tab) continues the field line before it:
 * RFC 9112 has a client replace the fold with a space. Before any field line there is nothing
 * to continue, and the line is dropped, as RFC 9112 also allows. */
static bool fold(dh_curl_rx *rx, const char *data, size_t n) {
    size_t len = rx->headers_len;
    if (len == 0) return true;
    if (rx->headers[len - 1] == '\n') len--;
    if (len && rx->headers[len - 1] == '\r') len--;
    rx->headers_len = len;
    while (n && (*data == ' ' || *data == '\t')) data++, n--;
    return keep_header_bytes(rx, " ", 1) && keep_header_bytes(rx, data, n);
}

size_t dh_curl_rx_header(char *data, size_t size, size_t nitems, void *arg) {
    dh_curl_rx *rx = arg;
    if (size != 1) return 0; /* libcurl documents size as always 1 */
    /* A status line starts a response: an interim 1xx's headers are not the final answer's.
     * The line itself is not a header, and the core reads the status from libcurl. */
    if (nitems >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        rx->headers_len = 0;
        rx->in_block = true;
        rx->block_done = false;
        return nitems;
    }
    /* After the block, libcurl hands over a chunked body's trailers the same way: they are not
     * the response's headers (a server could set any header there, after the fact). */
    if (rx->block_done) {
        if (nitems > DH_CURL_MAX_HEADER_BYTES - rx->trailer_bytes) {
            rx->headers_too_large = true;
            return 0;
        }
        rx->trailer_bytes += nitems;
        return nitems;
    }
    bool blank =
        (nitems == 2 && data[0] == '\r' && data[1] == '\n') || (nitems == 1 && data[0] == '\n');
    if (blank) {
        rx->in_block = false;
        rx->block_done = true;
    } else if (nitems && (data[0] == ' ' || data[0] == '\t')) {
        return fold(rx, data, nitems) ? nitems : 0;
    }
    return keep_header_bytes(rx, data, nitems) ? nitems : 0;
}

size_t dh_curl_rx_body(char *data, size_t size, size_t nitems, void *arg) {
    dh_curl_rx *rx = arg;
    if (size != 1) return 0;
    if (nitems == 0) return 0;
    /* Checked before keeping a byte: an endless body stops here, not when memory runs out. */
    if (nitems > rx->max_body - rx->body_len) {
        rx->too_large = true;
        return 0;
    }
    if (!reserve(&rx->body, &rx->body_cap, rx->body_len + nitems, rx->max_body)) {
        rx->oom = true;
        return 0;
    }
    memcpy(rx->body + rx->body_len, data, nitems);
    rx->body_len += nitems;
    return nitems;
}

/* The body may hold a created token's secret: zeroed before it is given back. */
static void wipe(char *p, size_t n) {
    volatile char *v = p;
    while (n--) *v++ = 0;
}

void dh_curl_rx_free(dh_curl_rx *rx) {
    free(rx->headers);
    if (rx->body) wipe(rx->body, rx->body_cap);
    free(rx->body);
    *rx = (dh_curl_rx){0};
}

dh_http_response dh_curl_rx_response(const dh_curl_rx *rx, long status) {
    dh_http_response resp = {0};
    if (rx->headers_too_large) resp.failure = DH_HTTP_HEADERS_TOO_LARGE;
    else if (rx->too_large) resp.failure = DH_HTTP_TOO_LARGE;
    else if (rx->oom || status < 100 || status > 999) resp.failure = DH_HTTP_NETWORK;
    if (resp.failure) return resp;
    resp.status = (int)status;
    resp.raw_headers = rx->headers;
    resp.raw_headers_len = rx->headers_len;
    resp.body = rx->body;
    resp.body_len = rx->body_len;
    return resp;
}
