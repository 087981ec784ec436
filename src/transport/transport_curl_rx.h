/* What the libcurl transport keeps of one response while it arrives: the header block and the
 * body, each bounded. Split from transport_curl.c so the fuzz target (tests/fuzz/fuzz_curl_rx.c)
 * can feed these callbacks without libcurl or a network. Not part of the public API. */
#ifndef DH_TRANSPORT_CURL_RX_H
#define DH_TRANSPORT_CURL_RX_H

#include <stdbool.h>
#include <stddef.h>

#include "dockerhub_oat.h"

/* The header block may not grow past this, nor may the trailers of a chunked body: libcurl's
 * own limit per header line is 100 KiB, and no Docker Hub answer comes near either. */
#define DH_CURL_MAX_HEADER_BYTES ((size_t)256 * 1024)

/* Zero-initialised, then `max_body` set. Owner: the request that holds it; free with
 * dh_curl_rx_free. */
typedef struct dh_curl_rx {
    char *headers; /* "name: value\r\n" lines of the final response, NUL-terminated, each
                    * folded line (obs-fold) joined to the one it continues by a space */
    size_t headers_len, headers_cap;
    size_t trailer_bytes; /* a chunked body's trailers: counted against the limit, never kept */
    char *body;           /* not NUL-terminated */
    size_t body_len, body_cap;
    size_t max_body; /* the request's max_response_bytes */
    bool in_block;   /* a status line came, and the blank line that ends its block has not */
    bool block_done; /* the blank line came: header lines from now on are trailers */
    bool too_large;  /* the body passed max_body: the transfer was stopped, nothing is kept */
    bool headers_too_large; /* the header block or the trailers passed DH_CURL_MAX_HEADER_BYTES */
    bool oom;
} dh_curl_rx;

/* CURLOPT_HEADERFUNCTION / CURLOPT_WRITEFUNCTION, with a dh_curl_rx as their data. Each returns
 * size * nitems to go on, anything else to make libcurl stop the transfer. */
size_t dh_curl_rx_header(char *data, size_t size, size_t nitems, void *rx);
size_t dh_curl_rx_body(char *data, size_t size, size_t nitems, void *rx);
void dh_curl_rx_free(dh_curl_rx *rx);

/* The seam's response for a transfer libcurl finished without an error, with status `status`
 * (0 when none arrived). Borrows rx's buffers: valid until dh_curl_rx_free. */
dh_http_response dh_curl_rx_response(const dh_curl_rx *rx, long status);

/* What a request of the libcurl transport (a handle its send returned) has received so far:
 * for tests that act at a point of the transfer (the headers in, the body not). */
const dh_curl_rx *dh_curl_rx_of(const void *handle);

#endif
