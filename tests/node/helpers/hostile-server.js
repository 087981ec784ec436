// A loopback server for the hostile suites that answers on the raw socket, byte for byte: invalid
// headers, resets, silence and over-long bodies are all things node:http will not send for us.
//
//   const srv = await startRawServer((req, sock) => { ... });
//   srv.url            'http://127.0.0.1:PORT'
//   srv.requests       every parsed request: { method, path, headers, body, closedEarly }
//   srv.sockets        live sockets (destroyed by close())
//   await srv.close()
//
// The handler gets each request once its head and (content-length) body have arrived. It owns the
// socket: write with `respond()` / raw bytes, end, destroy or leave it silent. A socket left open
// with keep-alive gets its next request parsed and handed over too.
import net from 'node:net';

/**
 * @param {(req: object, sock: net.Socket) => void} handler
 * @param {{ host?: string, port?: number }} [options]
 */
export async function startRawServer(handler, { host = '127.0.0.1', port: wanted = 0 } = {}) {
  const requests = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let current = null; // the request whose answer is being written, to note an early close
    sock.on('close', () => {
      if (current && !current.answered) current.closedEarly = true;
    });
    const pump = () => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const [requestLine, ...lines] = head.split('\r\n');
        const [method, path] = requestLine.split(' ');
        const headers = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon < 0) continue;
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
        }
        const length = Number(headers['content-length'] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        const req = { method, path, headers, body, closedEarly: false, answered: false, at: Date.now() };
        requests.push(req);
        current = req;
        try {
          handler(req, sock);
        } catch (err) {
          sock.destroy(err);
        }
      }
    };
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      pump();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, host, resolve);
  });
  const { port } = server.address();
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    sockets,
    server,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Writes a whole HTTP/1.1 answer and ends the socket (Connection: close, Content-Length set unless
 * the headers say otherwise). `headers` is an object or an array of raw "Name: value" lines.
 * @param {net.Socket} sock
 * @param {{ answered?: boolean }} req
 */
export function respond(sock, req, status, { reason, headers = {}, body = '', keepAlive = false } = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  let lines;
  if (Array.isArray(headers)) {
    lines = [...headers];
  } else {
    lines = [];
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    const hasLength = Object.keys(headers).some((k) => k.toLowerCase() === 'content-length');
    if (!hasType && bytes.length) lines.push('Content-Type: application/json');
    if (!hasLength) lines.push(`Content-Length: ${bytes.length}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  }
  if (!keepAlive) lines.push('Connection: close');
  const head = `HTTP/1.1 ${status} ${reason ?? REASONS[status] ?? 'Whatever'}\r\n${lines.join('\r\n')}\r\n\r\n`;
  req.answered = true;
  sock.write(Buffer.concat([Buffer.from(head, 'latin1'), bytes]));
  if (!keepAlive) sock.end();
}

const REASONS = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect',
  308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  409: 'Conflict', 418: "I'm a teapot", 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** A port that was free a moment ago and has nothing listening on it now. */
export async function closedPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A token object the API could answer with. */
export function tokenJson(overrides = {}) {
  return {
    id: 'a7f1c0de-0000-4000-8000-000000000001',
    label: 'ci-pull',
    description: 'pulls',
    created_by: 'acme-owner',
    is_active: true,
    created_at: '2026-01-01T00:00:00.000000Z',
    expires_at: null,
    last_used_at: null,
    resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
    ...overrides,
  };
}

/** A list page the API could answer with. */
export function pageJson(overrides = {}) {
  const { resources, ...item } = tokenJson();
  return { total: 1, next: null, previous: null, results: [item], ...overrides };
}

/** Collects unhandled rejections and uncaught exceptions for the whole file. */
export function collectProcessFailures() {
  const seen = [];
  const onRejection = (reason) => seen.push(['unhandledRejection', reason]);
  const onException = (err) => seen.push(['uncaughtException', err]);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
