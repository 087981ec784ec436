// The one JS import of the WASM module: a call settles with a JSON document (wasm_exports.c).
mergeInto(LibraryManager.library, {
  dh_js_settle: function (callId, ptr, len) {
    Module['dhSettle'](callId, UTF8ToString(ptr, len));
  },
});
