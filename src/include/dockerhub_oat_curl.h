/*
 * dockerhub-oat over libcurl: the native transport, and two ways to drive it (as hiredis does).
 *
 *   dh_curl *loop = dh_curl_new(NULL, &err);          one loop per thread, any number of clients
 *   cfg.transport = dh_curl_transport(loop);
 *   dh_client *cl = dh_client_new(&cfg, &err);
 *   dh_list_tokens(cl, "acme", NULL, on_list, &state);
 *
 *   1. Blocking: dh_curl_run(loop) returns when every call has settled.
 *   2. Your own loop: ask dh_curl_timeout_ms and dh_curl_fdset what to wait for, wait for it
 *      (select, poll, epoll...), then call dh_curl_step(loop, 0). Or call dh_curl_step(loop, ms)
 *      now and then, and it waits up to `ms` itself.
 *
 * Callbacks (the client's, and the timers the core sets through the transport) run only inside
 * dh_curl_step and dh_curl_run, never inside the call that started a request.
 *
 * What the transport does: one libcurl multi handle; HTTP/1.1 and HTTPS only; redirects are
 * never followed (a 3xx is handed to the core as it is); TLS peers and host names are always
 * verified (against the system's CA store, or `ca_file`); a body longer than the request's
 * max_response_bytes stops the transfer as it arrives; a cancel removes the transfer from the
 * multi handle, which closes its connection.
 *
 * Nothing comes from the environment that the program did not choose: no proxy unless
 * dh_curl_options names one or asks for the environment's (http_proxy, https_proxy, ALL_PROXY,
 * NO_PROXY: libcurl's rules), and no TLS key log (SSLKEYLOGFILE) unless allow_ssl_keylog says so.
 *
 * Failures reach the core as the seam's kinds, worded as the JS client words them: DH_HTTP_DNS
 * (the name did not resolve), DH_HTTP_TLS (a certificate not trusted or for another name, or a
 * server that does not speak TLS there), DH_HTTP_REFUSED, DH_HTTP_RESET (the connection closed
 * or was reset before the whole answer), DH_HTTP_TOO_LARGE, DH_HTTP_HEADERS_TOO_LARGE (over
 * 256 KiB of header block or trailers, or a line over libcurl's 100 KiB), DH_HTTP_NETWORK
 * (anything else), DH_HTTP_TIMEOUT (a connection not open within connect_timeout_ms). The
 * call's deadline (dh_config.timeout_ms) is the core's own timer.
 *
 * Threads: a loop, its clients and their callbacks belong to one thread.
 */
#ifndef DOCKERHUB_OAT_CURL_H
#define DOCKERHUB_OAT_CURL_H

#include <sys/select.h>

#include "dockerhub_oat.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dh_curl dh_curl;

typedef struct dh_curl_options {
    const char *ca_file; /* PEM bundle to verify TLS peers with; NULL: the system's. Copied. */
    /* A proxy for every request ("http://proxy:3128", "socks5h://127.0.0.1:1080"; libcurl's
     * syntax), NO_PROXY not read. NULL: none, unless proxy_from_env. Copied. */
    const char *proxy;
    int proxy_from_env; /* 1: take the proxy from the environment, as the curl tool does */
    /* 1: let libcurl write each TLS session's secrets to the file SSLKEYLOGFILE names, for
     * Wireshark. 0 (the default): they are not written, and where this libcurl's TLS library
     * gives no way to stop it (not OpenSSL), dh_curl_new refuses while SSLKEYLOGFILE is set. */
    int allow_ssl_keylog;
    /* How long a connection may take to open, in ms; 0: libcurl's 300 s. Past it the request
     * fails with DH_HTTP_TIMEOUT (a list or get is tried again, within the call's timeout_ms). */
    long connect_timeout_ms;
} dh_curl_options;

/* Makes a loop (NULL options: the defaults). NULL with *err set (a static sentence) when libcurl
 * cannot start. Free with dh_curl_free. */
DH_PUBLIC dh_curl *dh_curl_new(const dh_curl_options *options, const char **err);

/* Frees the loop. Free every client that uses it first (dh_client_free cancels their
 * transfers); a transfer or timer still pending is dropped without a callback. Not from inside
 * one of the loop's callbacks. */
DH_PUBLIC void dh_curl_free(dh_curl *loop);

/* The transport for dh_config.transport. Borrows the loop: valid until dh_curl_free. */
DH_PUBLIC dh_transport dh_curl_transport(dh_curl *loop);

/* Waits at most `timeout_ms` (0: not at all) for I/O or a timer, then does whatever is due:
 * reads and writes, completed transfers (their callbacks run), due timers. Returns how many
 * transfers and timers are still pending (0: nothing left to wait for), or -1 when libcurl
 * fails (the loop is then unusable: free its clients and the loop). */
DH_PUBLIC int dh_curl_step(dh_curl *loop, int timeout_ms);

/* Steps until nothing is pending: every call started before or during the run has settled.
 * Returns 0, or -1 as dh_curl_step does. */
DH_PUBLIC int dh_curl_run(dh_curl *loop);

/* Transfers plus timers pending. */
DH_PUBLIC int dh_curl_pending(const dh_curl *loop);

/* For a program's own loop. dh_curl_fdset adds the sockets libcurl waits on to the sets
 * (curl_multi_fdset; sockets above FD_SETSIZE cannot be given this way) and raises *max_fd;
 * it returns 0, or -1 when libcurl fails. dh_curl_timeout_ms is how long the program may wait
 * before it must call dh_curl_step: -1 when nothing is pending, 0 when something is due, and
 * at most 100 while a transfer has no socket to wait on yet (as libcurl advises). */
DH_PUBLIC int dh_curl_fdset(dh_curl *loop, fd_set *read_fds, fd_set *write_fds, fd_set *except_fds,
                            int *max_fd);
DH_PUBLIC long dh_curl_timeout_ms(dh_curl *loop);

#ifdef __cplusplus
}
#endif
#endif
