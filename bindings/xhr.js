// An XMLHttpRequest built on fetch(), for hosts that have fetch but no XHR (Node, serverless).
// It implements just what Emscripten 3.1.6's Fetch API (its library_fetch.js) uses: readyState is 4
// before onload/onerror run, no onprogress ever, header lines end in \r\n, the method is
// upper-cased, GET/HEAD carry no body, and abort() is silent (no callback after it), as in browsers.
// Its additions (maxResponseBytes, failure and its words, responseURL, the static failing) are the
// transport's contract with it, written once in src/include/dockerhub_oat_fetch.h: change them
// there and in src/transport/transport_fetch.c together. Browsers get this XHR too, for redirect: 'manual'.
// makeFetchXHR's class is longer than 60 lines because it is one object with the XHR's own
// surface (open, setRequestHeader, send, abort, the getters): its methods are short.

// Each test looks at what one host really rejects with (seen on Node 18-22 (undici), Deno 2,
// Bun 1 and workerd): the error, its `cause`, and an AggregateError's `errors`.
const CODES = {
  refused: ['ECONNREFUSED', 'ConnectionRefused'],
  dns: ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL'],
  reset: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'ConnectionClosed'],
  denied: ['ERR_ACCESS_DENIED'],
};
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;

/** Every error in a rejection: itself, its causes, an AggregateError's members. */
function errorsOf(err, depth = 0) {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const out = [err];
  if (Array.isArray(err.errors)) for (const e of err.errors) out.push(...errorsOf(e, depth + 1));
  out.push(...errorsOf(err.cause, depth + 1));
  return out;
}

/**
 * Why fetch() rejected, as one word: denied (the host's permission: Deno's NotCapable or
 * PermissionDenied, Node's permission model), blocked (a network policy or a blocked port:
 * workerd answers its policy's refusal with a bare "internal error"), dns, tls, refused, reset,
 * or network (anything else).
 * @param {unknown} err what fetch() rejected with
 */
export function failureOf(err) {
  const all = errorsOf(err);
  const text = all.map((e) => `${e.name ?? ''}: ${e.message ?? ''}`).join('\n');
  const has = (codes) => all.some((e) => codes.includes(e.code));
  if (
    all.some((e) => e.name === 'NotCapable' || e.name === 'PermissionDenied') ||
    has(CODES.denied)
  )
    return 'denied';
  if (/\bbad port\b|are blocked|^Error: internal error; reference = /im.test(text))
    return 'blocked';
  if (has(CODES.dns) || /dns error|failed to lookup address/i.test(text)) return 'dns';
  if (
    all.some((e) => TLS_CODE.test(e.code ?? '')) ||
    /\btls\b|certificate|secure TLS connection/i.test(text)
  )
    return 'tls';
  // Refused only where every attempt was refused (Node tries each address of a host name): the
  // one failure after which a create may be sent again.
  const codes = all.map((e) => e.code).filter((c) => typeof c === 'string');
  if (
    codes.length ? codes.every((c) => CODES.refused.includes(c)) : /connection refused/i.test(text)
  )
    return 'refused';
  if (
    has(CODES.reset) ||
    /connection (was )?(reset|closed|lost)|other side closed|broken pipe/i.test(text)
  )
    return 'reset';
  return 'network';
}

const TOO_LARGE = Symbol('too large');
const REDIRECTED = Symbol('redirected');

/** Reads a body, refusing to hold more than max bytes. */
async function readLimited(res, max, controller) {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) throw TOO_LARGE;
  // Content-Length counts the bytes on the wire: with a Content-Encoding the decoded body can be
  // far larger (a gzip bomb), so only an unencoded body may be read whole.
  const encoded =
    (res.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
  if (!encoded && Number.isFinite(declared) && res.headers.has('content-length'))
    return res.arrayBuffer();
  const reader = res.body?.getReader();
  if (!reader) return new ArrayBuffer(0);
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      controller.abort();
      throw TOO_LARGE;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
}

/**
 * @param {typeof fetch} fetchImpl the host's fetch, captured; nothing global is changed.
 * @returns {new () => object} an XMLHttpRequest class for the Emscripten module's scope.
 */
export function makeFetchXHR(fetchImpl) {
  return class FetchXMLHttpRequest {
    /** @type {unknown} what fetch() rejected with, while onerror runs; else undefined */
    static failing = undefined;

    constructor() {
      this.readyState = 0;
      this.status = 0;
      this.statusText = '';
      this.response = null;
      this.responseType = '';
      this.timeout = 0;
      this.withCredentials = false;
      this.onload =
        this.onerror =
        this.ontimeout =
        this.onprogress =
        this.onreadystatechange =
          null;
      this._headers = new Headers();
      this._responseHeaders = '';
      this._done = false;
      this.maxResponseBytes = Infinity;
      this.failure = null;
      this.responseURL = '';
    }

    open(method, url) {
      this._method = String(method).toUpperCase();
      this._url = url;
      this.readyState = 1;
    }

    setRequestHeader(name, value) {
      this._headers.append(name, value);
    }

    overrideMimeType() {}

    getAllResponseHeaders() {
      return this._responseHeaders;
    }

    getResponseHeader(name) {
      return this._responseHeaderMap?.get(name) ?? null;
    }

    abort() {
      if (this._done) return;
      this._done = true;
      clearTimeout(this._timer);
      this._controller?.abort();
      this.readyState = 4;
    }

    send(body) {
      const controller = (this._controller = new AbortController());
      let timedOut = false;
      if (this.timeout > 0) {
        this._timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, this.timeout);
      }
      // Redirects are not followed: the API never redirects, and a followed one could carry a
      // sign-in body (the secret) to another host. A 3xx is reported as it came; a browser
      // hides it (an opaque redirect, status 0): failure 'redirected'.
      const init = {
        method: this._method,
        headers: this._headers,
        signal: controller.signal,
        redirect: 'manual',
      };
      if (body != null && this._method !== 'GET' && this._method !== 'HEAD') init.body = body;
      const finish = (handler) => {
        if (this._done) return;
        this._done = true;
        clearTimeout(this._timer);
        this.readyState = 4;
        handler?.call(this, { loaded: this.response ? this.response.byteLength : 0 });
      };
      fetchImpl(this._url, init)
        .then(async (res) => {
          // A browser's answer to redirect: 'manual' (nothing was sent to the new URL).
          if (res.type === 'opaqueredirect') throw REDIRECTED;
          this.status = res.status;
          this.statusText = res.statusText;
          this.responseURL = res.url ?? '';
          this._responseHeaderMap = res.headers;
          let lines = '';
          res.headers.forEach((value, name) => {
            lines += `${name}: ${value}\r\n`;
          });
          this._responseHeaders = lines;
          this.response = await readLimited(res, this.maxResponseBytes, controller);
          finish(this.onload);
        })
        .catch((err) => {
          this.failure =
            err === TOO_LARGE ? 'too_large' : err === REDIRECTED ? 'redirected' : failureOf(err);
          this.status = 0;
          this.response = null;
          this._responseHeaders = '';
          if (timedOut || err === TOO_LARGE || err === REDIRECTED)
            return finish(timedOut ? this.ontimeout : this.onerror);
          FetchXMLHttpRequest.failing = err;
          try {
            finish(this.onerror);
          } finally {
            FetchXMLHttpRequest.failing = undefined;
          }
        });
    }
  };
}
