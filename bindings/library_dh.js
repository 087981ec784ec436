// The JS imports of the WASM module (wasm_exports.c): a call settles with a JSON document, and a
// client with a token function asks JS for a JWT.
mergeInto(LibraryManager.library, {
  dh_js_settle: function (callId, doc, docLen, body, bodyLen, more) {
    Module['dhSettle'](callId, UTF8ToString(doc, docLen), bodyLen ? UTF8ToString(body, bodyLen) : null, more);
  },
  dh_js_need_token: function (client) {
    Module['dhNeedToken'](client);
  },
});
