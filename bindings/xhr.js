// An XMLHttpRequest built on fetch(), for hosts that have fetch but no XHR (Node, serverless).
// It implements just what Emscripten 3.1.6's Fetch API uses (docs/toolchain.md): readyState is 4
// before onload/onerror run, no onprogress ever, header lines end in \r\n, the method is
// upper-cased, GET/HEAD carry no body, and abort() is silent (no callback after it), as in browsers.

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
      const init = { method: this._method, headers: this._headers, signal: controller.signal };
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
          this.response = await res.arrayBuffer();
          finish(this.onload);
        })
        .catch(() => {
          this.status = 0;
          this.response = null;
          this._responseHeaders = '';
          finish(timedOut ? this.ontimeout : this.onerror);
        });
    }
  };
}
