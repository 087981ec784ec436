/* The Emscripten Fetch API transport (WASM builds only): src/transport/transport_fetch.c. */
#ifndef DH_TRANSPORT_FETCH_H
#define DH_TRANSPORT_FETCH_H
#include "dockerhub_oat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A transport with no state of its own; each request frees itself when done or cancelled. */
dh_transport dh_fetch_transport(void);

/* The contract with the XHR, written here once. The Fetch API runs each request on an
 * XMLHttpRequest; where the host has fetch(), bindings/xhr.js supplies one built on it, with
 * these additions, which src/transport/transport_fetch.c reads or sets through Fetch.xhrs[id - 1]:
 *   maxResponseBytes  set by the transport after open: the XHR stops reading past this many
 *                     bytes and fails with failure 'too_large' (a browser's own XHR ignores it;
 *                     the transport checks the size once the body is in).
 *   failure           why there is no answer (status 0), one word, in this order (the index + 1
 *                     is what dh_xhr_outcome gives; 0: no word, a browser's XHR):
 *                     'refused', 'too_large', 'denied', 'blocked', 'dns', 'tls', 'reset',
 *                     'redirected'. Anything else counts as a network failure.
 *   responseURL       as in browsers: an answer from another URL than the one asked for is a
 *                     redirect the host followed (DH_HTTP_REDIRECTED).
 *   failing (static)  what fetch() rejected with, set only while that XHR's onerror runs: the
 *                     core completes a call that fails for good inside that handler, so
 *                     bindings/client.js reads it there as the DockerHubError's cause.
 * Besides: readyState is 4 before onload or onerror runs, abort() is silent, and header lines
 * end in "\r\n", as Emscripten 3.1.6's Fetch code expects of a browser's XHR. */
#ifdef __cplusplus
}
#endif
#endif
