// createClient and the operations: checks the JS types, marshals strings into the WASM heap,
// makes one C call, and resolves a Promise with the answer the C core delivers (what crosses is
// described once, in bindings/wasm_exports.c; #resolve below is where it is read).
// Host-agnostic: the entries (index.node.js, index.web.js) say how to find the .wasm.

import createDockerHubOat from '../dist/dockerhub_oat.mjs';
import { DockerHubError, invalidArgument } from './errors.js';
import { rotateAccessToken } from './rotate.js';
import { planAccessTokens, applyAccessTokens } from './plan.js';
import { auditAccessTokens } from './audit.js';
import { makeFetchXHR } from './xhr.js';

const OPTION_KEYS = new Set(['baseUrl', 'token', 'credentials', 'timeoutMs', 'maxRetries', 'maxResponseBytes', 'wasm']);
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const MAX_RESPONSE_BYTES = 2 ** 32 - 1; // a size_t on wasm32
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
// The bits of dh_js_deliver's flags (bindings/wasm_exports.c).
const MORE = 1;
const ALREADY_DELETED = 2;
const MAYBE_CREATED = 4;
// The core's own sentences name C's fields; a JS user knows them by the option's name.
const JS_NAMES = { max_response_bytes: 'maxResponseBytes', page_size: 'pageSize' };
const C_NAMES = /\b(max_response_bytes|page_size)\b/g;
const ENCODER = new TextEncoder();

/** One instantiated module per wasm source, shared by the clients made from it. */
const instances = new Map();

/**
 * @param {unknown} wasm WebAssembly.Module | BufferSource | URL | string | undefined
 * @param {{ loadDefault: (signal: AbortSignal) => Promise<BufferSource|WebAssembly.Module>,
 *           loadUrl: (url: URL, signal: AbortSignal) => Promise<BufferSource> }} host
 * @param {number} timeoutMs
 */
function instance(wasm, host, timeoutMs) {
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
  return invalidArgument(`createClient: could not load or compile ${what} (${why}). Pass \`wasm\`: `
    + 'a WebAssembly.Module where the host forbids compiling at run time (Cloudflare Workers: '
    + "import wasm from 'dockerhub-oat/dockerhub_oat.wasm'), else the bytes of dockerhub_oat.wasm or the URL it is served at");
}

async function instantiate(wasm, host, timeoutMs) {
  // A fetch of the wasm that stalls must not hold createClient: it gets the client's timeoutMs.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await instantiateFrom(wasm, host, signal);
  } catch (err) {
    if (err instanceof DockerHubError) throw err;
    throw wasmError(wasm, signal.aborted ? new Error(`it did not arrive within timeoutMs (${timeoutMs} ms)`) : err);
  }
}

async function instantiateFrom(wasm, host, signal) {
  let source = wasm;
  if (source === undefined) source = await host.loadDefault(signal);
  else if (source instanceof URL || typeof source === 'string') source = await host.loadUrl(new URL(source, globalThis.location?.href), signal);
  // Per-client and per-call state is keyed by ids that are never used twice. emmalloc hands a
  // freed pointer out again, so a C pointer names a client only while that client lives: it is
  // looked up (byPtr) the moment C asks, and an answer for a closed client finds nothing.
  const pending = new Map(); // call id -> (answer, more) => void
  const clients = new Map(); // client id -> { ptr, tokenFn }
  const byPtr = new Map(); // C pointer -> client id, while that client lives
  const XHR = typeof fetch === 'function' ? makeFetchXHR(fetch) : undefined;
  const moduleArgs = {
    xhrImpl: XHR,
    dhReceive(callId, status, flags, headers, body, error) {
      const receive = pending.get(callId);
      const more = (flags & MORE) !== 0;
      if (!more) pending.delete(callId);
      // A call that fails for good on a fetch() rejection is delivered inside that XHR's onerror:
      // the rejection is the error's cause (bindings/xhr.js).
      receive?.({ status, flags, headers, body, error, cause: XHR?.failing }, more);
    },
    dhNeedToken(clientPtr) {
      const id = byPtr.get(clientPtr);
      const client = clients.get(id);
      if (client?.tokenFn) answerTokenRequest(inst, id, client.tokenFn);
    },
    print() {},
    printErr() {},
    // The .wasm is always handed over here: the glue must not resolve a URL of its own
    // (import.meta.url is empty in some bundles and hosts).
    locateFile: (path) => path,
  };
  // Where the host allows it (host.syncCompile: Node, Deno, Bun), compile and instantiate at
  // once: an async compile waits behind the host's own (undici's wasm, after a first fetch()).
  // V8 compiles lazily, so the module's size costs little here. Browsers keep the async path.
  const sync = host.syncCompile === true;
  if (sync && (ArrayBuffer.isView(source) || source instanceof ArrayBuffer)) source = new WebAssembly.Module(source);
  // The glue swallows an error in its instantiateWasm hook and never settles: race it.
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
      if (!sync) WebAssembly.instantiate(module, imports).then(deliver, fail);
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
  const inst = { Module: null, pending, clients, byPtr, nextId: 1 };
  // The glue's promise never settles when instantiateWasm fails: race it with that failure.
  inst.Module = await Promise.race([createDockerHubOat(moduleArgs), failed]);
  return inst;
}

/** Copies JS strings into the heap for one call, and zeroes and frees them after (any of them
 * may be a secret: a password, a JWT, a token). */
class HeapStrings {
  constructor(Module) {
    this.Module = Module;
    this.blocks = [];
  }

  /** Measured once: a UTF-16 unit takes at most 3 bytes of UTF-8, so 3 * length + 1 holds it.
   * @param {string|null|undefined} s */
  put(s) {
    if (s == null) return 0;
    const n = s.length * 3 + 1;
    const p = this.Module._malloc(n);
    if (!p) throw new DockerHubError('invalid_response', 'out of memory');
    this.blocks.push([p, n]);
    const heap = this.Module.HEAPU8; // read after malloc: a memory growth replaces it
    heap[p + ENCODER.encodeInto(s, heap.subarray(p, p + n - 1)).written] = 0;
    return p;
  }

  free() {
    for (const [p, n] of this.blocks) {
      this.Module.HEAPU8.fill(0, p, p + n); // HEAPU8 read now: a memory growth replaces it
      this.Module._free(p);
    }
    this.blocks = [];
  }
}

function checkName(value, what) {
  if (typeof value !== 'string') throw invalidArgument(`${what} must be a string`);
  // A NUL would end the C string early: "acme\0/x" must not become "acme".
  if (value.includes('\0')) throw invalidArgument(`${what} may not contain a NUL character`);
}

function checkSignal(signal) {
  if (signal === undefined) return;
  if (!signal || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')
    throw invalidArgument('signal must be an AbortSignal');
  if (signal.aborted) throw new DockerHubError('aborted', 'the call was aborted before it started');
}

function checkOptions(options, allowed, what) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw invalidArgument(`${what} must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw invalidArgument(`${what} has an unknown key "${key}"`);
  }
  return options;
}

function checkBody(body, what) {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalidArgument(`${what} must be an object`);
  let json;
  try {
    json = JSON.stringify(body);
  } catch {
    throw invalidArgument(`${what} cannot be sent as JSON`);
  }
  if (json.includes('\\u0000')) throw invalidArgument(`${what} may not contain a NUL character`);
  return json;
}

/** The "name:value\n" lines of a delivered answer as an object; a repeated name joins its
 * values with ", ", as fetch's Headers do. */
function parseHeaders(text) {
  const out = {};
  for (let at = 0; at < text.length;) {
    const colon = text.indexOf(':', at);
    const eol = text.indexOf('\n', colon);
    const name = text.slice(at, colon);
    const value = text.slice(colon + 1, eol);
    if (Object.hasOwn(out, name)) out[name] += `, ${value}`;
    // `out.__proto__ = v` would set the prototype: that one name is defined, as JSON.parse would.
    else if (name === '__proto__') Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
    else out[name] = value;
    at = eol + 1;
  }
  return out;
}

function parseOrUndefined(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A delivered error as a DockerHubError; the core's own sentences (no status) in JS's words. */
function toError({ status, flags, headers, error, cause }) {
  const { code, errinfo, fields, retryAfter, ...words } = error;
  const message = status ? words.message : words.message.replace(C_NAMES, (m) => JS_NAMES[m]);
  const extra = { detail: words.detail, text: words.text, status };
  if (retryAfter >= 0) extra.retryAfter = retryAfter;
  if (flags & MAYBE_CREATED) extra.maybeCreated = true;
  if (code === 'network' && cause !== undefined) extra.cause = cause;
  if (status) extra.headers = headers;
  // The server's own text, which cJSON read: JSON.parse is stricter (01, 1., raw control
  // characters), and such an object is left out rather than thrown as a SyntaxError.
  if (errinfo !== undefined) extra.errinfo = parseOrUndefined(errinfo);
  if (fields !== undefined) extra.fields = parseOrUndefined(fields);
  return new DockerHubError(code, message, extra);
}

function parseRateLimit(headers) {
  const limit = headers['x-ratelimit-limit'];
  const remaining = headers['x-ratelimit-remaining'];
  const reset = headers['x-ratelimit-reset'];
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const num = (v) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  return { limit: num(limit), remaining: num(remaining), reset: num(reset) };
}

/**
 * @param {object} [options] see index.d.ts
 * @param {object} host how this entry finds the .wasm
 */
export async function createClient(options = {}, host) {
  if (options === null || typeof options !== 'object') throw invalidArgument('options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw invalidArgument(`createClient: unknown option "${key}"`);
  }
  const {
    baseUrl = 'https://hub.docker.com', token, credentials, timeoutMs = 30000, maxRetries = 3,
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  } = options;
  if (typeof baseUrl !== 'string') throw invalidArgument('baseUrl must be a string');
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'function')
    throw invalidArgument('token must be a string or a function returning one');
  if (token !== undefined && credentials !== undefined)
    throw invalidArgument('give token or credentials, not both');
  if (credentials !== undefined) {
    if (!credentials || typeof credentials !== 'object') throw invalidArgument('credentials must be { identifier, secret }');
    const { identifier, secret } = credentials;
    if (typeof identifier !== 'string' || !identifier || typeof secret !== 'string' || !secret)
      throw invalidArgument('credentials need a non-empty identifier and secret');
    if (identifier.includes('\0') || secret.includes('\0'))
      throw invalidArgument('credentials may not contain a NUL character');
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
    throw invalidArgument('timeoutMs must be a whole number of milliseconds, at least 1');
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10)
    throw invalidArgument('maxRetries must be a whole number from 0 to 10');
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES)
    throw invalidArgument(`maxResponseBytes must be a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES}`);
  if (baseUrl.includes('\0')) throw invalidArgument('baseUrl may not contain a NUL character');
  try {
    new URL(baseUrl); // eslint-disable-line no-new -- what the host's fetch() would refuse
  } catch {
    throw invalidArgument(`baseUrl is not a URL this host can parse: ${JSON.stringify(baseUrl)}`);
  }

  const inst = await instance(options.wasm, host, timeoutMs);
  const { Module } = inst;
  const strings = new HeapStrings(Module);
  let ptr;
  try {
    ptr = Module._dhw_client_new(
      strings.put(baseUrl),
      strings.put(typeof token === 'string' ? token : null),
      strings.put(credentials?.identifier),
      strings.put(credentials?.secret),
      typeof token === 'function' ? 1 : 0,
      timeoutMs,
      maxRetries,
      maxResponseBytes,
    );
  } finally {
    strings.free();
  }
  if (!ptr) throw invalidArgument(`createClient: ${Module.UTF8ToString(Module._dhw_last_error())}`);
  const id = inst.nextId++;
  inst.clients.set(id, { ptr, tokenFn: typeof token === 'function' ? token : null });
  inst.byPtr.set(ptr, id);
  return new Client(inst, id, ptr);
}

/** The C core asked client `id` for a JWT (first call, near expiry, or after a 401): call the
 * function, and hand the answer to that client if it still lives. */
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
  if (client) {
    const strings = new HeapStrings(inst.Module);
    try {
      inst.Module._dhw_token_ready(client.ptr, strings.put(jwt), strings.put(whyNot));
    } finally {
      strings.free();
    }
  }
}

class Client {
  #inst;
  #id;
  #ptr; // 0 once closed
  #rateLimit = null;

  constructor(inst, id, ptr) {
    this.#inst = inst;
    this.#id = id;
    this.#ptr = ptr;
  }

  /** The X-RateLimit-* figures of the last response that carried them, else null. */
  get rateLimit() {
    return this.#rateLimit;
  }

  /** Frees the C client (its secrets zeroed); calls in flight and later calls reject with
   * code 'closed'; a token function's late answer goes nowhere. */
  close() {
    if (!this.#ptr) return;
    const ptr = this.#ptr;
    this.#ptr = 0;
    this.#inst.clients.delete(this.#id);
    this.#inst.byPtr.delete(ptr);
    this.#inst.Module._dhw_client_free(ptr);
  }

  async listAccessTokens(org, options) {
    return (await this.listAccessTokensWithHttpInfo(org, options)).data;
  }

  async listAccessTokensWithHttpInfo(org, options) {
    checkName(org, 'org');
    const { page = 1, pageSize = 10, signal } = checkOptions(options, ['page', 'pageSize', 'signal'], 'options');
    if (!Number.isInteger(page) || page < 1 || page > MAX_TIMEOUT_MS)
      throw invalidArgument('page must be a whole number of at least 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      throw invalidArgument('pageSize must be a whole number from 1 to 100');
    return this.#call(signal, (M, id, s) => M._dhw_list(this.#ptr, id, s.put(org), page, pageSize));
  }

  /**
   * Every token, page after page. The C core fetches the pages (to the configured baseUrl only,
   * the page number read from `next`) and stops on a null next, an empty page, a page seen
   * before, or after ceil(total / n) pages (n: pageSize, or the first page's length if the server capped it). A page is fetched only once the consumer has
   * taken every item of the one before and asks for more; timeoutMs bounds each page's fetch.
   * Leaving the loop early stops it.
   */
  async *listAllAccessTokens(org, options) {
    checkName(org, 'org');
    const { pageSize = 100, signal } = checkOptions(options, ['pageSize', 'signal'], 'options');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      throw invalidArgument('pageSize must be a whole number from 1 to 100');
    let page = null; // { answer, more } not yet handed over; the last word wins (an abort's)
    let wake = null;
    // A list that shifts while it is read (a token created meanwhile) repeats an item on the next
    // page: each token is given once, so an audit or a plan does not count it twice.
    const given = new Set();
    const handle = this.#start(signal, (answer, more) => {
      page = { answer, more };
      wake?.();
    }, (M, id, s) => M._dhw_list_all(this.#ptr, id, s.put(org), pageSize));
    try {
      for (;;) {
        while (!page) await new Promise((resolve) => (wake = resolve));
        const { answer, more } = page;
        page = null;
        const { data } = this.#resolve(answer);
        for (const t of data.results) {
          if (given.has(t.id)) continue;
          given.add(t.id);
          yield t;
        }
        if (!more) return;
        if (page) continue; // delivered while the consumer held the page: aborted or closed
        // The consumer wants more: only now is the next page asked for.
        if (!this.#ptr) throw new DockerHubError('closed', 'the client was closed');
        this.#inst.Module._dhw_list_all_next(this.#ptr, handle.callId);
      }
    } finally {
      handle.done();
    }
  }

  /** Bytes the WASM allocator has handed out and not got back (all clients of this module):
   * for leak tests and the benchmark, not for applications. */
  debugHeapInUse() {
    return this.#inst.Module._dhw_heap_in_use();
  }

  /** How many times `text` (as UTF-8) stands in the WASM heap, freed blocks included (all clients
   * of this module): for the tests that prove secrets are zeroed, not for applications. */
  debugHeapCount(text) {
    const heap = this.#inst.Module.HEAPU8;
    const needle = new TextEncoder().encode(text);
    let n = 0;
    for (let i = heap.indexOf(needle[0]); i >= 0 && i + needle.length <= heap.length; i = heap.indexOf(needle[0], i + 1)) {
      let k = 1;
      while (k < needle.length && heap[i + k] === needle[k]) k++;
      if (k === needle.length) n++;
    }
    return n;
  }

  /** Calls of this module waiting for the C core to deliver their answer (all clients): for leak tests. */
  debugPendingCalls() {
    return this.#inst.pending.size;
  }

  /** Rotates a token: see rotate.js. */
  rotateAccessToken(org, id, options) {
    return rotateAccessToken(this, org, id, options);
  }

  /** Tokens as code: see plan.js. */
  planAccessTokens(org, manifest, options) {
    return planAccessTokens(this, this.#inst.Module, org, manifest, options);
  }

  applyAccessTokens(org, plan, options) {
    return applyAccessTokens(this, org, plan, options);
  }
  /** Audits the org's tokens: see audit.js. */
  auditAccessTokens(org, options) { return auditAccessTokens(this, this.#inst.Module, org, options); }

  async createAccessToken(org, body, options) {
    return (await this.createAccessTokenWithHttpInfo(org, body, options)).data;
  }

  async createAccessTokenWithHttpInfo(org, body, options) {
    checkName(org, 'org');
    const json = checkBody(body, 'the create request');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, (M, id, s) => M._dhw_create(this.#ptr, id, s.put(org), s.put(json)));
  }

  async getAccessToken(org, id, options) {
    return (await this.getAccessTokenWithHttpInfo(org, id, options)).data;
  }

  async getAccessTokenWithHttpInfo(org, tokenId, options) {
    checkName(org, 'org');
    checkName(tokenId, 'id');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, (M, id, s) => M._dhw_get(this.#ptr, id, s.put(org), s.put(tokenId)));
  }

  async updateAccessToken(org, id, body, options) {
    return (await this.updateAccessTokenWithHttpInfo(org, id, body, options)).data;
  }

  async updateAccessTokenWithHttpInfo(org, tokenId, body, options) {
    checkName(org, 'org');
    checkName(tokenId, 'id');
    const json = checkBody(body, 'the update request');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, (M, id, s) => M._dhw_update(this.#ptr, id, s.put(org), s.put(tokenId), s.put(json)));
  }

  async deleteAccessToken(org, id, options) {
    await this.deleteAccessTokenWithHttpInfo(org, id, options);
  }

  async deleteAccessTokenWithHttpInfo(org, tokenId, options) {
    checkName(org, 'org');
    checkName(tokenId, 'id');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, (M, id, s) => M._dhw_delete(this.#ptr, id, s.put(org), s.put(tokenId)));
  }

  /** Runs one C operation and settles with { data, status, headers } or a DockerHubError. */
  async #call(signal, start) {
    let handle;
    const answer = await new Promise((resolve) => {
      handle = this.#start(signal, resolve, start);
    });
    handle.done();
    return this.#resolve(answer);
  }

  /**
   * Starts a C operation whose answers go to onAnswer(answer, more); an abort of `signal` cancels
   * it in C (which delivers 'aborted' at once and stops the request). Returns { done() }
   * to call when no more answers are wanted.
   */
  #start(signal, onAnswer, start) {
    checkSignal(signal);
    if (!this.#ptr) throw new DockerHubError('closed', 'the client was closed');
    const inst = this.#inst;
    const ptr = this.#ptr;
    const callId = inst.nextId++;
    // The client may be closed (its C memory freed) before the abort comes: check first.
    const onAbort = () => {
      if (this.#ptr === ptr && inst.pending.has(callId)) inst.Module._dhw_cancel(ptr, callId);
    };
    let open = true;
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      // Still under way (a list left early): cancel it unless the client is gone.
      if (open && inst.pending.has(callId) && this.#ptr === ptr) inst.Module._dhw_cancel(ptr, callId);
      inst.pending.delete(callId);
      open = false;
    };
    inst.pending.set(callId, onAnswer);
    signal?.addEventListener('abort', onAbort, { once: true });
    const strings = new HeapStrings(inst.Module);
    try {
      start(inst.Module, callId, strings);
    } catch (err) {
      done(); // a start that threw (out of memory) leaves no entry and no listener behind
      throw err;
    } finally {
      strings.free();
    }
    return { done, callId };
  }

  /** An answer the C core delivered (see dhReceive) to { data, status, headers }, or a thrown
   * DockerHubError. */
  #resolve(answer) {
    const { status, flags, body } = answer;
    const headers = parseHeaders(answer.headers);
    const rateLimit = parseRateLimit(headers);
    if (rateLimit) this.#rateLimit = rateLimit;
    if (answer.error) throw toError({ ...answer, headers });
    if (flags & ALREADY_DELETED) {
      // A retried DELETE found it gone: an earlier attempt, whose answer was lost, deleted it.
      return { data: undefined, status, headers, alreadyDeleted: true };
    }
    let data;
    if (body !== null) {
      try {
        data = JSON.parse(body); // checked by the C core already; JSON.parse builds the objects
      } catch {
        throw new DockerHubError('invalid_response', 'the response body is not valid JSON', { status, headers });
      }
    }
    return { data, status, headers };
  }
}
