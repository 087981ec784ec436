// One instantiated WASM module per wasm source, shared by the clients made from it: loading,
// compiling (synchronously where the host allows it), and the module's two imports into JS
// (an answer delivered, a JWT asked for).
import createDockerHubOat from '../dist/dockerhub_oat.mjs';
import { tokenReady } from './boundary.js';
import { DockerHubError, invalidArgument } from './errors.js';
import { makeFetchXHR } from './xhr.js';

/** One instantiated module per wasm source, shared by the clients made from it. */
const instances = new Map();

/**
 * @param {unknown} wasm WebAssembly.Module | BufferSource | URL | string | undefined
 * @param {{ loadDefault: (signal: AbortSignal) => Promise<BufferSource|WebAssembly.Module>,
 *           loadUrl: (url: URL, signal: AbortSignal) => Promise<BufferSource> }} host
 * @param {number} timeoutMs
 */
export function instance(wasm, host, timeoutMs) {
  const key = wasm ?? host;
  let promise = instances.get(key);
  if (!promise) {
    promise = instantiate(wasm, host, timeoutMs);
    instances.set(key, promise);
    promise.catch(() => instances.delete(key));
  }
  return promise;
}

/** Loading or compiling the wasm failed: a DockerHubError that says what to pass instead. */
function wasmError(wasm, err) {
  const why = String(err?.message ?? err).replace(/^Aborted\((.*)\)(\. Build with .*)?$/s, '$1');
  const what = wasm === undefined ? "the package's WebAssembly module" : 'the wasm option';
  return invalidArgument(
    `createClient: could not load or compile ${what} (${why}). Pass \`wasm\`: ` +
      'a WebAssembly.Module where the host forbids compiling at run time (Cloudflare Workers: ' +
      "import wasm from 'dockerhub-oat/dockerhub_oat.wasm'), else the bytes of dockerhub_oat.wasm or the URL it is served at",
  );
}

async function instantiate(wasm, host, timeoutMs) {
  // A fetch of the wasm that stalls must not hold createClient: it gets the client's timeoutMs.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await instantiateFrom(wasm, host, signal);
  } catch (err) {
    if (err instanceof DockerHubError) throw err;
    throw wasmError(
      wasm,
      signal.aborted ? new Error(`it did not arrive within timeoutMs (${timeoutMs} ms)`) : err,
    );
  }
}

async function instantiateFrom(wasm, host, signal) {
  let source = wasm;
  if (source === undefined) source = await host.loadDefault(signal);
  else if (source instanceof URL || typeof source === 'string')
    source = await host.loadUrl(new URL(source, globalThis.location?.href), signal);
  // Per-client and per-call state is keyed by ids that are never used twice. emmalloc hands a
  // freed pointer out again, so a C pointer names a client only while that client lives: it is
  // looked up (byPtr) the moment C asks, and an answer for a closed client finds nothing.
  const pending = new Map(); // call id -> (answer) => void
  const clients = new Map(); // client id -> { ptr, tokenFn }
  const byPtr = new Map(); // C pointer -> client id, while that client lives
  const XHR = typeof fetch === 'function' ? makeFetchXHR(fetch) : undefined;
  const moduleArgs = {
    xhrImpl: XHR,
    // One answer of call `callId`, in the envelope of bindings/boundary.js. A call that fails for
    // good on a fetch() rejection is delivered inside that XHR's onerror: the rejection is the
    // error's cause (bindings/xhr.js).
    dhReceive(callId, answer) {
      const receive = pending.get(callId);
      if (!answer.more) pending.delete(callId);
      answer.cause = XHR?.failing;
      receive?.(answer);
    },
    dhNeedToken(clientPtr) {
      const id = byPtr.get(clientPtr);
      const client = clients.get(id);
      if (client?.tokenFn) void answerTokenRequest(inst, id, client.tokenFn); // never rejects
    },
    print() {},
    printErr() {},
    // The .wasm is always handed over here: the glue must not resolve a URL of its own
    // (import.meta.url is empty in some bundles and hosts).
    locateFile: (path) => path,
  };
  const failed = wasmSource(moduleArgs, source, host.syncCompile === true);
  const inst = { Module: null, pending, clients, byPtr, nextId: 1, host };
  // The glue's promise never settles when instantiateWasm fails: race it with that failure.
  inst.Module = await Promise.race([createDockerHubOat(moduleArgs), failed]);
  return inst;
}

/**
 * Hands `source` (bytes or a WebAssembly.Module) to an Emscripten factory's arguments, for this
 * module and the tools' (bindings/tools/tools.js). Returns a promise that rejects when instantiation
 * fails: the glue swallows an error in its instantiateWasm hook and never settles, so race it.
 * Where the entry asks for it (`sync`: the Node entry, which Node and Bun load), compile and
 * instantiate at once: an async compile waits behind the host's own (undici's wasm, after a first
 * fetch()). V8 compiles lazily, so the module's size costs little here. The other entries keep
 * the async path.
 */
export function wasmSource(moduleArgs, source, sync) {
  if (sync && (ArrayBuffer.isView(source) || source instanceof ArrayBuffer))
    source = new WebAssembly.Module(source);
  let fail;
  const failed = new Promise((resolve, reject) => (fail = reject));
  if (typeof WebAssembly.Module === 'function' && source instanceof WebAssembly.Module) {
    const module = source;
    moduleArgs.instantiateWasm = (imports, receive) => {
      const deliver = (inst) => {
        try {
          receive(inst, module);
        } catch {
          fail(new Error("it is not this version's dockerhub_oat.wasm"));
        }
      };
      if (!sync)
        void WebAssembly.instantiate(module, imports).then(deliver, fail); // deliver catches
      else {
        let inst;
        try {
          inst = new WebAssembly.Instance(module, imports);
        } catch (e) {
          fail(e);
          return {};
        }
        deliver(inst);
      }
      return {};
    };
  } else if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
    moduleArgs.wasmBinary = source;
  } else {
    throw invalidArgument('wasm must be a WebAssembly.Module, bytes or a URL');
  }
  return failed;
}

/** The C core asked client `id` for a JWT (first call, near expiry, or after a 401): call the
 * function, and hand the answer to that client if it still lives. Never rejects: nobody awaits it. */
async function answerTokenRequest(inst, id, tokenFn) {
  let jwt = null;
  let whyNot = null;
  try {
    jwt = await tokenFn();
    if (typeof jwt !== 'string' || !jwt || jwt.includes('\0')) {
      jwt = null;
      whyNot = 'the token function must return a non-empty string';
    }
  } catch {
    whyNot = 'the token function threw or rejected';
  }
  const client = inst.clients.get(id);
  if (client) tokenReady(inst.Module, client.ptr, jwt, whyNot);
}
