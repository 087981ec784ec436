// The JS imports of the WASM module (src/wasm/wasm_exports.c, which describes what crosses):
// dh_js_deliver turns one reply's spans and strings into JS strings for bindings/client.js, and a
// client with a token function asks JS for a JWT through dh_js_need_token.
mergeInto(LibraryManager.library, {
  // Spans are decoded by length (UTF8ToString would scan byte by byte for a NUL first). The
  // object built is the one envelope of bindings/boundary.js.
  dh_js_deliver: function (
    callId,
    status,
    more,
    alreadyDeleted,
    maybeCreated,
    headers,
    headersLen,
    body,
    bodyLen,
    code,
    message,
    detail,
    text,
    errinfo,
    fields,
    retryAfter,
  ) {
    var span = function (p, n) {
      return UTF8Decoder.decode(HEAPU8.subarray(p, p + n));
    };
    var str = function (p) {
      return p ? UTF8ToString(p) : undefined;
    };
    Module['dhReceive'](callId, {
      status: status,
      headers: headersLen ? span(headers, headersLen) : '',
      body: bodyLen ? span(body, bodyLen) : null,
      error: code
        ? {
            code: UTF8ToString(code),
            message: UTF8ToString(message),
            detail: str(detail),
            text: str(text),
            errinfo: str(errinfo),
            fields: str(fields),
            retryAfter: retryAfter,
          }
        : null,
      more: more !== 0,
      alreadyDeleted: alreadyDeleted !== 0,
      maybeCreated: maybeCreated !== 0,
    });
  },
  dh_js_need_token: function (client) {
    Module['dhNeedToken'](client);
  },
});
