// The core links with MINIMAL_RUNTIME (CMakeLists.txt: 1.7 kB less glue, gzip'd, in every app).
// That runtime instantiates by `WebAssembly.instantiate(Module['wasm'], imports).then(onload)`
// and keeps the exports and the heap in local names. This file and the generated post-js
// (dhExpose: the exports, from src/wasm/exports.txt) give the bindings the Module the full runtime gave:
// `instantiateWasm(imports, receive)` or `wasmBinary` is honoured, and Module has `_dhw_*`,
// `_malloc`, `_free` and `HEAPU8`. A `WebAssembly` of the module's scope, as for XMLHttpRequest
// (pre.js): the global one is never touched.
var WebAssembly = {
  instantiate: function (_, imports) {
    return {
      then: function (onload) {
        // onload throws on a module that is not this one (no memory export): instantiateWasm's
        // caller (bindings/module.js) says so; with bytes, the factory's promise rejects.
        var receive = function (instance) {
          onload({ instance: instance });
          dhExpose(Module); // before anyone awaiting the factory runs: they run as microtasks
        };
        if (Module['instantiateWasm']) return Module['instantiateWasm'](imports, receive);
        void globalThis.WebAssembly.instantiate(Module['wasmBinary'], imports)
          .then(function (output) {
            receive(output.instance);
          })
          .catch(readyPromiseReject);
      },
    };
  },
};
Object.defineProperty(Module, 'HEAPU8', {
  get: function () {
    return HEAPU8;
  },
});
