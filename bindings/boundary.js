// The JS boundary of both WASM modules, in one file: every `_dhw_*` call (src/wasm/exports.txt
// lists them), the strings copied into the heap for a call and wiped after it, and the one
// envelope every answer crosses in, HTTP and tools alike:
//   { status, headers, body, error, more, alreadyDeleted, maybeCreated }
//   status   the HTTP status (0: none came; a tools answer)
//   headers  one block of "name:value\n" lines, redacted by the core ('' for tools)
//   body     the response body (HTTP, on success) or the tools' result, as JSON text; else null
//   error    null, or { code, message, detail?, text?, errinfo?, fields?, retryAfter, line? }
//   more, alreadyDeleted, maybeCreated   booleans the core sets (another page follows; a retried
//            DELETE found it gone; a create that failed may have made the token)
// The core delivers HTTP answers through its import dh_js_deliver (src/wasm/library_dh.js, which
// builds this object), the tools return theirs; what C sends is described in
// src/wasm/wasm_exports.c. Nothing here knows an operation's meaning: bindings/client.js does.

import { DockerHubError } from './errors.js';

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** Copies JS strings into the heap for one call, and zeroes and frees them after (any of them
 * may be a secret: a password, a JWT, a token). */
export class HeapStrings {
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
    if (!p) throw outOfMemory();
    this.blocks.push(p, n);
    const heap = this.Module.HEAPU8; // read after malloc: a memory growth replaces it
    heap[p + ENCODER.encodeInto(s, heap.subarray(p, p + n - 1)).written] = 0;
    return p;
  }

  free() {
    const { blocks, Module } = this;
    for (let i = 0; i < blocks.length; i += 2) {
      Module.HEAPU8.fill(0, blocks[i], blocks[i] + blocks[i + 1]); // read now: a growth replaces it
      Module._free(blocks[i]);
    }
    this.blocks = [];
  }
}

/** Runs fn(strings) with a fresh HeapStrings, wiped and freed after, whatever happens. */
function withStrings(Module, fn) {
  const strings = new HeapStrings(Module);
  try {
    return fn(strings);
  } finally {
    strings.free();
  }
}

function outOfMemory() {
  return new DockerHubError('invalid_response', 'out of memory');
}

/** A NUL-terminated string the C side malloc'd: read, wiped, freed. */
function takeString(Module, p) {
  const end = Module.HEAPU8.indexOf(0, p);
  const text = DECODER.decode(Module.HEAPU8.subarray(p, end));
  Module.HEAPU8.fill(0, p, end);
  Module._free(p);
  return text;
}

// ---- the core module ----

/** A C client for these settings: its pointer, or { error } with the core's reason. */
export function newClient(
  Module,
  { baseUrl, token, identifier, secret, tokenFunction, timeoutMs, maxRetries, maxResponseBytes },
) {
  const ptr = withStrings(Module, (s) =>
    Module._dhw_client_new(
      s.put(baseUrl),
      s.put(token),
      s.put(identifier),
      s.put(secret),
      tokenFunction ? 1 : 0,
      timeoutMs,
      maxRetries,
      maxResponseBytes,
    ),
  );
  return ptr ? { ptr } : { error: Module.UTF8ToString(Module._dhw_last_error()) };
}

export function freeClient(Module, ptr) {
  Module._dhw_client_free(ptr);
}

/** The operations: each starts one C call whose answers come to the module's receive(). */
const OPS = {
  list: (M, ptr, id, s, org, page, pageSize) => M._dhw_list(ptr, id, s.put(org), page, pageSize),
  listAll: (M, ptr, id, s, org, pageSize) => M._dhw_list_all(ptr, id, s.put(org), pageSize),
  get: (M, ptr, id, s, org, tokenId) => M._dhw_get(ptr, id, s.put(org), s.put(tokenId)),
  create: (M, ptr, id, s, org, json) => M._dhw_create(ptr, id, s.put(org), s.put(json)),
  update: (M, ptr, id, s, org, tokenId, json) =>
    M._dhw_update(ptr, id, s.put(org), s.put(tokenId), s.put(json)),
  delete: (M, ptr, id, s, org, tokenId) => M._dhw_delete(ptr, id, s.put(org), s.put(tokenId)),
};

/** Starts operation `op` for call `callId` of the client at `ptr`. */
export function startCall(Module, op, ptr, callId, args) {
  withStrings(Module, (s) => OPS[op](Module, ptr, callId, s, ...args));
}

export function cancelCall(Module, ptr, callId) {
  Module._dhw_cancel(ptr, callId);
}

/** The consumer of a dhw_list_all took its page: fetch the next. */
export function nextPage(Module, ptr, callId) {
  Module._dhw_list_all_next(ptr, callId);
}

/** The token function's answer (a JWT, or null and why not) to the client that asked. */
export function tokenReady(Module, ptr, jwt, whyNot) {
  withStrings(Module, (s) => {
    let jwtIn;
    let whyNotIn;
    try {
      jwtIn = s.put(jwt);
      whyNotIn = s.put(whyNot);
    } catch {
      jwtIn = whyNotIn = 0; // no room in the heap: C fails the waiting calls ("no token was given")
    }
    Module._dhw_token_ready(ptr, jwtIn, whyNotIn);
  });
}

export function heapInUse(Module) {
  return Module._dhw_heap_in_use();
}

/**
 * `text` with every run of `secrets` redacted by the core's one redactor (src/core/redact.c): what
 * rotate and apply scrub an error of; with `client` (a C client's pointer, 0: none) also of that
 * client's own secrets (password, JWT) and the tokens it made, which only C holds. Out of memory:
 * the whole text is redacted.
 * @param {string} text @param {string[]} secrets @param {number} [client]
 */
export function redact(Module, text, secrets, client = 0) {
  const list = secrets.filter((s) => typeof s === 'string' && s !== '');
  if ((!list.length && !client) || !text) return text;
  const joined = list.join('\0');
  const n = list.length ? joined.split('\0').length : 0;
  const p = withStrings(Module, (s) =>
    Module._dhw_redact(client, s.put(text), n ? s.put(joined) : 0, n),
  );
  return p ? takeString(Module, p) : '[redacted]';
}

// ---- the tools module ----

/** The tools' answer ({"ok": result} or {"error": {line, message}}) in the one envelope. */
function toolsAnswer(text) {
  const none = {
    status: 0,
    headers: '',
    body: null,
    error: null,
    more: false,
    alreadyDeleted: false,
    maybeCreated: false,
  };
  if (text.startsWith('{"ok":')) return { ...none, body: text.slice(6, -1) };
  const { line, message } = JSON.parse(text).error;
  return { ...none, error: { code: 'invalid_argument', message, line, retryAfter: -1 } };
}

function toolsCall(Module, run) {
  const p = withStrings(Module, run);
  if (!p) throw outOfMemory();
  return toolsAnswer(takeString(Module, p));
}

/** The plan (tokens: the org's tokens as JSON text, or null to check the manifest only). */
export function plan(Module, manifest, org, tokens, nowSeconds, prune) {
  return toolsCall(Module, (s) =>
    Module._dhw_plan(s.put(manifest), s.put(org), s.put(tokens), nowSeconds, prune ? 1 : 0),
  );
}

/** The audit rules' answer for their JSON input. */
export function audit(Module, input) {
  return toolsCall(Module, (s) => Module._dhw_audit(s.put(input)));
}
