/* The Emscripten Fetch API transport (WASM builds only): src/transport_fetch.c. */
#ifndef DH_TRANSPORT_FETCH_H
#define DH_TRANSPORT_FETCH_H
#include "dockerhub_oat.h"

/* A transport with no state of its own; each request frees itself when done or cancelled. */
dh_transport dh_fetch_transport(void);
#endif
