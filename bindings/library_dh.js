// The JS imports of the WASM module (wasm_exports.c): a call settles with a JSON document, and a
// client with a token function asks JS for a JWT.
mergeInto(LibraryManager.library, {
  // Decoded by length (UTF8ToString would scan byte by byte for a NUL first).
  dh_js_settle: function (callId, doc, docLen, body, bodyLen, more) {
    var text = function (p, n) { return UTF8Decoder.decode(HEAPU8.subarray(p, p + n)); };
    Module['dhSettle'](callId, text(doc, docLen), bodyLen ? text(body, bodyLen) : null, more);
  },
  dh_js_need_token: function (client) {
    Module['dhNeedToken'](client);
  },
});
