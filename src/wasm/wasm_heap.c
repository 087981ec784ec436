/* In both modules (src/wasm/exports.txt): what the leak tests and the bench watch. */
#include <emscripten/emscripten.h>
#include <malloc.h>

#include "wasm_exports.h"

/* Bytes the allocator has handed out and not got back. */
EMSCRIPTEN_KEEPALIVE size_t dhw_heap_in_use(void) { return (size_t)mallinfo().uordblks; }
