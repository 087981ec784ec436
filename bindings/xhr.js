// An XMLHttpRequest built on fetch(), for hosts that have fetch but no XHR (Node, serverless).
// It implements just what Emscripten 3.1.6's Fetch API uses (docs/toolchain.md): readyState is 4
// before onload/onerror run, no onprogress ever, header lines end in \r\n, the method is
// upper-cased, GET/HEAD carry no body, and abort() is silent (no callback after it), as in browsers.
// Two additions the transport reads (src/transport_fetch.c): `maxResponseBytes`, past which the
// body is not read on (failure 'too_large'), and `failure` 'refused' for a connection refused
// before anything was sent, which is the one network failure a create may be retried after.

/** @param {unknown} err what fetch() rejected with */
function wasRefused(err) {
  const cause = err?.cause;
  if (cause?.code === 'ECONNREFUSED') return true;
  return Array.isArray(cause?.errors) && cause.errors.length > 0 && cause.errors.every((e) => e?.code === 'ECONNREFUSED');
}

const TOO_LARGE = Symbol('too large');

/** Reads a body, refusing to hold more than max bytes. */
async function readLimited(res, max, controller) {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) throw TOO_LARGE;
  // Content-Length counts the bytes on the wire: with a Content-Encoding the decoded body can be
  // far larger (a gzip bomb), so only an unencoded body may be read whole.
  const encoded = (res.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
  if (!encoded && Number.isFinite(declared) && res.headers.has('content-length')) return res.arrayBuffer();
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
    constructor() {
      this.readyState = 0;
      this.status = 0;
      this.statusText = '';
      this.response = null;
      this.responseType = '';
      this.timeout = 0;
      this.withCredentials = false;
      this.onload = this.onerror = this.ontimeout = this.onprogress = this.onreadystatechange = null;
      this._headers = new Headers();
      this._responseHeaders = '';
      this._done = false;
      this.maxResponseBytes = Infinity;
      this.failure = null;
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
      // sign-in body (the secret) to another host. A 3xx is reported as it came.
      const init = { method: this._method, headers: this._headers, signal: controller.signal, redirect: 'manual' };
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
          this.status = res.status;
          this.statusText = res.statusText;
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
          this.failure = err === TOO_LARGE ? 'too_large' : wasRefused(err) ? 'refused' : 'network';
          this.status = 0;
          this.response = null;
          this._responseHeaders = '';
          finish(timedOut ? this.ontimeout : this.onerror);
        });
    }
  };
}
