// Hostile servers: every case answers one call of the real WASM client from a raw loopback socket
// (tests/fixtures/hostile-server.js), byte for byte, and names the exact DockerHubError code the
// call must settle with (or the success it must give). After each case the shared module must still
// answer a plain call, and at the end no unhandled rejection or uncaught exception may have
// happened. Each case is bounded in time; none may hang.
//
// Routing: a case's requests carry its own org name (`/v2/orgs/<org>/...`, or the `identifier` of a
// sign-in), so one server answers every case and counts each case's requests apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { createClient, DockerHubError } from '../../bindings/index.node.js';
import {
  startRawServer,
  respond,
  closedPort,
  tokenJson,
  pageJson,
  collectProcessFailures,
} from '../fixtures/hostile-server.js';

const failures = collectProcessFailures();
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lLW93bmVyIn0.c2lnbmF0dXJl'; // no exp: never renewed
const PASSWORD = 'hostile-password-do-not-leak';
const MiB = 1024 * 1024;
const CREATE_BODY = {
  label: 'x',
  resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
};

/** org -> (req, sock, ctx) => void, for the case running now. */
const handlers = new Map();
let srv; // the hostile server
let other; // "another host": redirects and `next` links point here
let healthy; // a client on the same module, checked after every case

function orgOf(req) {
  const m = /^\/v2\/orgs\/([^/?]+)/.exec(req.path);
  if (m) return m[1];
  try {
    return JSON.parse(req.body).identifier;
  } catch {
    return undefined;
  }
}

before(async () => {
  srv = await startRawServer((req, sock) => {
    req.org = orgOf(req);
    if (req.org === 'healthy') return respond(sock, req, 200, { body: tokenJson() });
    const h = handlers.get(req.org);
    if (!h) return respond(sock, req, 500, { body: { message: `no case for ${req.path}` } });
    h(req, sock);
  });
  other = await startRawServer((req, sock) => {
    req.org = orgOf(req);
    if (req.path === '/v2/auth/token')
      return respond(sock, req, 200, { body: { access_token: JWT } });
    respond(sock, req, 200, {
      body: tokenJson({ id: 'from-the-other-host', token: 'dckr_oat_other' }),
    });
  });
  healthy = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0, timeoutMs: 5000 });
});

after(async () => {
  healthy?.close();
  await srv?.close();
  await other?.close();
  failures.stop();
});

// ---- answers ----

const ok =
  (body, opts = {}) =>
  (req, sock) =>
    respond(sock, req, 200, { body, ...opts });
const status =
  (code, body = '', opts = {}) =>
  (req, sock) =>
    respond(sock, req, code, { body, ...opts });
/** Writes these exact bytes (latin1 for strings) and ends. */
const raw = (bytes) => (req, sock) => {
  req.answered = true;
  sock.end(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
};
const TOKEN = JSON.stringify(tokenJson());
const head = (lines, length = TOKEN.length) =>
  `HTTP/1.1 200 OK\r\n${lines.map((l) => `${l}\r\n`).join('')}Content-Length: ${length}\r\nConnection: close\r\n\r\n`;
const utf8 = (...parts) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))),
  );
const html = (title) =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>`;

// ---- operations ----

const OPS = {
  get: (hub, org, o) => hub.getAccessTokenWithHttpInfo(org, 'tok-1', o),
  list: (hub, org, o) => hub.listAccessTokensWithHttpInfo(org, o),
  create: (hub, org, o) => hub.createAccessTokenWithHttpInfo(org, CREATE_BODY, o),
  update: (hub, org, o) => hub.updateAccessTokenWithHttpInfo(org, 'tok-1', { is_active: false }, o),
  delete: (hub, org, o) => hub.deleteAccessTokenWithHttpInfo(org, 'tok-1', o),
  async listAll(hub, org, o) {
    const items = [];
    for await (const t of hub.listAllAccessTokens(org, { pageSize: 1, ...o })) items.push(t);
    return { data: items };
  },
};

/** Resolves when `sock` closes, or with 'still open' after ms. */
const closedWithin = (sock, ms) =>
  new Promise((resolve) => {
    if (sock.destroyed) return resolve('closed');
    const t = setTimeout(() => resolve('still open'), ms);
    sock.once('close', () => {
      clearTimeout(t);
      resolve('closed');
    });
  });

// A chunked answer that would go on for 256 MiB unless the client hangs up; counts what it sent.
function endlessChunked(req, sock) {
  req.sent = 0;
  req.sock = sock;
  sock.write(
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{"id":"\r\n',
  );
  const chunk = Buffer.alloc(16384, 'a');
  const frame = Buffer.concat([
    Buffer.from(`${chunk.length.toString(16)}\r\n`),
    chunk,
    Buffer.from('\r\n'),
  ]);
  const pump = () => {
    while (!sock.destroyed && req.sent < 256 * MiB) {
      req.sent += chunk.length;
      if (!sock.write(frame)) return sock.once('drain', pump);
    }
    if (!sock.destroyed) sock.end('0\r\n\r\n');
  };
  pump();
}

// Status line and headers (a full Content-Length), then nothing, ever.
const silentAfterHeaders = (req, sock) => {
  req.sock = sock;
  sock.write(head(['Content-Type: application/json']));
};

const resetMidBody = (req, sock) => {
  sock.write(head(['Content-Type: application/json']) + TOKEN.slice(0, 40));
  setTimeout(() => sock.resetAndDestroy(), 10);
};

const pastDate = new Date(Date.now() - 86400e3).toUTCString();
const rateLimited = (headers) =>
  status(429, { detail: 'Rate limit exceeded', error: false }, { headers });

let gzipBomb; // 64 MiB of spaces, about 64 KiB gzip'd: built on first use
const GZIP_BOMB_DECODED = 64 * MiB;

// ---- the cases ----
// name, op (default get), client options, answer, and what must come of it:
//   code (null: success) and status, requests (how many reached the server), maxMs (default 3000),
//   check(ctx) for the rest. ctx = { error, result, reqs, ms, hub, org }.

const CASES = [
  // Bodies that are not what the API promises.
  {
    name: 'invalid JSON',
    answer: ok('{"id": "x", "label": }'),
    code: 'invalid_response',
    status: 200,
    message: /not valid JSON/,
  },
  {
    name: 'truncated JSON (complete HTTP message)',
    answer: ok(TOKEN.slice(0, 57)),
    code: 'invalid_response',
    status: 200,
    message: /not valid JSON/,
  },
  {
    name: 'trailing garbage after the object',
    answer: ok(`${TOKEN} {"id":"second"}`),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'an array where an object belongs',
    answer: ok([tokenJson()]),
    code: 'invalid_response',
    status: 200,
    message: /not a JSON object/,
  },
  { name: 'the JSON literal null', answer: ok('null'), code: 'invalid_response', status: 200 },
  {
    name: 'results is not an array',
    op: 'list',
    answer: ok({ total: 1, next: null, previous: null, results: { 0: tokenJson() } }),
    code: 'invalid_response',
    status: 200,
    message: /results/,
  },
  {
    name: 'results holds a string',
    op: 'list',
    answer: ok({ total: 1, results: ['tok-1'] }),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'is_active: "yes"',
    answer: ok(tokenJson({ is_active: 'yes' })),
    code: 'invalid_response',
    status: 200,
    message: /is_active/,
  },
  {
    name: 'id: 5',
    answer: ok(tokenJson({ id: 5 })),
    code: 'invalid_response',
    status: 200,
    message: /id/,
  },
  { name: 'id: ""', answer: ok(tokenJson({ id: '' })), code: 'invalid_response', status: 200 },
  {
    name: 'a token without id',
    answer: ok((({ id, ...rest }) => rest)(tokenJson())),
    code: 'invalid_response',
    status: 200,
    message: /no id/,
  },
  {
    name: 'a list item without id',
    op: 'list',
    answer: ok(pageJson({ results: [{ label: 'x' }] })),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'resources is a string',
    answer: ok(tokenJson({ resources: 'TYPE_REPO' })),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'arrays nested 100 000 deep',
    answer: ok('['.repeat(100000) + ']'.repeat(100000)),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'objects nested 100 000 deep inside a token',
    answer: ok(`{"id":"x","extra":${'{"a":'.repeat(100000)}1${'}'.repeat(100001)}`),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'invalid UTF-8 (0xFF byte)',
    answer: ok(utf8('{"id":"x","label":"', [0xff], '"}')),
    code: 'invalid_response',
    status: 200,
    message: /UTF-8/,
  },
  {
    name: 'invalid UTF-8 (overlong "/" as C0 AF)',
    answer: ok(utf8('{"id":"x","label":"', [0xc0, 0xaf], '"}')),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'invalid UTF-8 (UTF-16 surrogate ED A0 80)',
    answer: ok(utf8('{"id":"x","label":"', [0xed, 0xa0, 0x80], '"}')),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'invalid UTF-8 (cut off mid-character at the end)',
    answer: ok(utf8('{"id":"x"} ', [0xe2, 0x82])),
    code: 'invalid_response',
    status: 200,
  },
  {
    // Decision observed: the C core checks the body (cJSON sees "ab" there, a non-empty id), and JS
    // builds the objects from the body as it came, so the strings keep their NUL and all after it.
    // Nothing is cut, nothing crashes; the module answers the next call (checked after every case).
    name: 'NUL inside strings (\\u0000) is kept, no crash',
    answer: ok('{"id":"ab\\u0000cd","label":"x\\u0000y","description":"\\u0000"}'),
    code: null,
    check: ({ result }) => {
      assert.equal(result.data.id, 'ab\u0000cd');
      assert.equal(result.data.label, 'x\u0000y');
      assert.equal(result.data.description, '\u0000');
    },
  },
  {
    name: 'an id that starts with NUL (empty to C)',
    answer: ok('{"id":"\\u0000abc"}'),
    code: 'invalid_response',
    status: 200,
    message: /id/,
  },
  {
    name: 'a raw control character inside a string',
    answer: ok('{"id":"a\tb"}'),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'a number with a leading zero',
    answer: ok('{"id":"x","n":01}'),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'a lone UTF-16 surrogate escape',
    answer: ok('{"id":"x","label":"\\ud800"}'),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'a "__proto__" key stays a plain own property',
    answer: ok('{"id":"x","__proto__":{"admin":true}}'),
    code: null,
    check: ({ result }) => {
      assert.equal(Object.getPrototypeOf(result.data), Object.prototype);
      assert.equal(result.data.admin, undefined);
      assert.equal({}.admin, undefined);
    },
  },
  {
    name: 'duplicate key in a token ("id" twice)',
    answer: ok('{"id":"a","label":"x","id":"b"}'),
    code: 'invalid_response',
    status: 200,
    message: /duplicate/,
  },
  {
    name: 'duplicate key in a page ("results" twice)',
    op: 'list',
    answer: ok('{"total":0,"results":[],"results":[{"id":"x"}]}'),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'duplicate key in a resource ("scopes": ["a"], then "scopes": 5)',
    answer: ok(
      '{"id":"x","resources":[{"type":"TYPE_REPO","path":"acme/api","scopes":["a"],"scopes":5}]}',
    ),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'duplicate key in a resource ("type": "TYPE_REPO", then "type": 7)',
    answer: ok(
      '{"id":"x","resources":[{"type":"TYPE_REPO","type":7,"path":"acme/api","scopes":["a"]}]}',
    ),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'total: 1e400',
    op: 'list',
    answer: ok('{"total": 1e400, "next": null, "previous": null, "results": []}'),
    code: 'invalid_response',
    status: 200,
    message: /total/,
  },
  {
    name: 'total: 123456789012345678901234567890',
    op: 'list',
    answer: ok('{"total": 123456789012345678901234567890, "results": []}'),
    code: 'invalid_response',
    status: 200,
    message: /total/,
  },
  {
    name: 'total: 1.5',
    op: 'list',
    answer: ok('{"total": 1.5, "results": []}'),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'total: -1',
    op: 'list',
    answer: ok(pageJson({ total: -1 })),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'next: 42 (not a string)',
    op: 'list',
    answer: ok(pageJson({ next: 42 })),
    code: 'invalid_response',
    status: 200,
  },
  {
    name: 'an empty body on 200',
    answer: ok(''),
    code: 'invalid_response',
    status: 200,
    message: /empty/,
  },
  {
    name: 'a 204 for a GET',
    answer: status(204),
    code: 'invalid_response',
    status: 204,
    message: /empty/,
  },
  {
    name: 'a 204 for a DELETE is the success it should be',
    op: 'delete',
    answer: status(204),
    code: null,
    check: ({ result }) => assert.equal(result.status, 204),
  },
  {
    name: 'a create answered 201 without the secret',
    op: 'create',
    answer: (req, sock) => respond(sock, req, 201, { body: tokenJson() }),
    code: 'invalid_response',
    status: 201,
    message: /secret/,
  },
  {
    name: 'a 200 with Content-Type text/html and an HTML page',
    answer: ok(html('Welcome'), { headers: { 'Content-Type': 'text/html' } }),
    code: 'invalid_response',
    status: 200,
  },
  {
    // Content-Type is not consulted: a JSON body that is right is taken as it is.
    name: 'a 200 with Content-Type text/html but a right JSON body',
    answer: ok(TOKEN, { headers: { 'Content-Type': 'text/html' } }),
    code: null,
    check: ({ result }) => assert.equal(result.data.id, tokenJson().id),
  },
  {
    name: 'a UTF-8 BOM before the JSON is accepted',
    answer: ok(`\ufeff${TOKEN}`),
    code: null,
    check: ({ result }) => assert.equal(result.data.id, tokenJson().id),
  },

  // Error statuses and their bodies.
  {
    name: 'an HTML 502',
    client: { maxRetries: 0 },
    answer: status(502, html('502 Bad Gateway'), { headers: { 'Content-Type': 'text/html' } }),
    code: 'server_error',
    status: 502,
    requests: 1,
    message: /^Docker Hub answered HTTP 502/,
  },
  {
    name: 'an HTML 502 is retried (maxRetries 2: three requests)',
    client: { maxRetries: 2 },
    answer: status(502, html('502 Bad Gateway'), { headers: { 'Content-Type': 'text/html' } }),
    code: 'server_error',
    status: 502,
    requests: 3,
    maxMs: 5000,
  },
  {
    name: 'a 503 to a create is not retried',
    op: 'create',
    client: { maxRetries: 3 },
    answer: status(503, { message: 'down' }),
    code: 'server_error',
    status: 503,
    requests: 1,
  },
  {
    name: 'a 401 with an HTML body',
    answer: status(401, html('401 Authorization Required'), {
      headers: { 'Content-Type': 'text/html' },
    }),
    code: 'unauthorized',
    status: 401,
    message: /^Docker Hub answered HTTP 401/,
  },
  {
    name: 'HTTP/1.1 999 Weird',
    answer: status(999, '{}', { reason: 'Weird' }),
    code: 'unexpected_status',
    status: 999,
  },
  {
    name: 'HTTP/1.1 600',
    answer: status(600, { message: 'six hundred' }),
    code: 'unexpected_status',
    status: 600,
    message: /^six hundred$/,
  },
  {
    name: 'HTTP/1.1 199 (informational, never a final answer)',
    answer: status(199, '{}'),
    code: 'network',
    status: 0,
  },
  {
    name: 'a 418',
    answer: status(418, { message: "I'm a teapot" }),
    code: 'unexpected_status',
    status: 418,
    message: /teapot/,
  },
  {
    name: 'a 409',
    op: 'create',
    answer: status(409, { message: 'label already used', errinfo: { field: 'label' } }),
    code: 'conflict',
    status: 409,
    message: /^label already used$/,
    check: ({ error }) => assert.deepEqual(error.errinfo, { field: 'label' }),
  },
  {
    name: 'a 400 with a 5000-character message is clipped',
    answer: status(400, { message: 'm'.repeat(5000) }),
    code: 'bad_request',
    status: 400,
    check: ({ error }) => assert.equal(error.message, `${'m'.repeat(1000)}...`),
  },
  {
    name: 'a 400 with a 5000-byte message of 2-byte characters is clipped on a character boundary',
    answer: status(400, { detail: '\u00e9'.repeat(2500) }),
    code: 'bad_request',
    status: 400,
    check: ({ error }) => {
      assert.equal(error.message, `${'\u00e9'.repeat(500)}...`);
      assert.ok(!error.message.includes('\ufffd'));
    },
  },
  {
    name: 'a 400 whose message and detail are not strings',
    answer: status(400, { message: { a: 1 }, detail: 7 }),
    code: 'bad_request',
    status: 400,
    message: /^Docker Hub answered HTTP 400 with a body that is not a JSON error$/,
  },
  {
    name: 'a 400 whose body nests 100 000 deep',
    answer: status(400, `{"message":"deep","a":${'['.repeat(100000)}${']'.repeat(100000)}}`),
    code: 'bad_request',
    status: 400,
    message: /^Docker Hub answered HTTP 400/,
  },
  {
    name: 'a 404 with an empty body',
    answer: status(404),
    code: 'not_found',
    status: 404,
    message: /^Docker Hub answered HTTP 404 with no body$/,
  },

  // Size limits.
  {
    name: 'a 2 KiB body with Content-Length over maxResponseBytes 1024',
    client: { maxResponseBytes: 1024 },
    answer: ok(JSON.stringify(tokenJson({ description: 'd'.repeat(2048) }))),
    code: 'invalid_response',
    message: /maxResponseBytes/,
  },
  {
    name: 'a chunked body streaming far past maxResponseBytes is cut off',
    client: { maxResponseBytes: 1024 },
    answer: endlessChunked,
    code: 'invalid_response',
    message: /maxResponseBytes/,
    check: async ({ reqs }) => {
      assert.equal(await closedWithin(reqs[0].sock, 2000), 'closed', 'the client hangs up');
      assert.ok(reqs[0].sent < 32 * MiB, `the server got to send only ${reqs[0].sent} of 256 MiB`);
    },
  },
  {
    name: 'a 4xx error body over maxResponseBytes',
    client: { maxResponseBytes: 1024 },
    answer: status(400, { message: 'x'.repeat(4096) }),
    code: 'invalid_response',
  },

  // The connection misbehaves.
  {
    name: 'a reset mid-body (GET, maxRetries 0)',
    client: { maxRetries: 0 },
    answer: resetMidBody,
    code: 'network',
    status: 0,
    requests: 1,
  },
  {
    name: 'a reset mid-body (GET, maxRetries 2: retried, then network)',
    client: { maxRetries: 2 },
    answer: resetMidBody,
    code: 'network',
    status: 0,
    requests: 3,
    maxMs: 5000,
  },
  {
    name: 'a reset mid-body on a create is not retried and may have created',
    op: 'create',
    client: { maxRetries: 3 },
    answer: resetMidBody,
    code: 'network',
    requests: 1,
    check: ({ error }) => assert.equal(error.maybeCreated, true),
  },
  {
    name: 'a Content-Length longer than the body, then close',
    answer: raw(head(['Content-Type: application/json'], TOKEN.length + 50) + TOKEN),
    code: 'network',
    status: 0,
  },
  {
    name: 'bytes after the Content-Length are ignored',
    answer: raw(head(['Content-Type: application/json']) + TOKEN + 'GARBAGE{"id":"evil"}'),
    code: null,
    check: ({ result }) => assert.equal(result.data.id, tokenJson().id),
  },
  {
    name: 'two different Content-Length headers',
    answer: raw(
      `HTTP/1.1 200 OK\r\nContent-Length: ${TOKEN.length}\r\nContent-Length: 5\r\n\r\n${TOKEN}`,
    ),
    code: 'network',
    status: 0,
  },
  {
    name: 'headers, then silence (timeoutMs 300)',
    client: { timeoutMs: 300 },
    answer: silentAfterHeaders,
    code: 'timeout',
    status: 0,
    minMs: 250,
    maxMs: 1500,
    check: async ({ reqs }) =>
      assert.equal(
        await closedWithin(reqs[0].sock, 2000),
        'closed',
        'the timed-out request is torn down',
      ),
  },
  {
    name: 'no answer at all (timeoutMs 300)',
    client: { timeoutMs: 300 },
    answer: () => {},
    code: 'timeout',
    status: 0,
    minMs: 250,
    maxMs: 1500,
  },
  {
    name: 'the server closes the connection at once',
    answer: (req, sock) => sock.destroy(),
    code: 'network',
    status: 0,
  },
  {
    name: 'the server answers something that is not HTTP',
    answer: raw('SSH-2.0-OpenSSH_9.6\r\n'),
    code: 'network',
    status: 0,
  },
  {
    name: 'a status line without a status code',
    answer: raw('HTTP/1.1 OK\r\n\r\n'),
    code: 'network',
    status: 0,
  },
  {
    name: 'HTTP/1.0 with the body ending at close',
    answer: raw(`HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n${TOKEN}`),
    code: null,
    check: ({ result }) => assert.equal(result.data.id, tokenJson().id),
  },
  {
    name: 'a Content-Encoding: gzip body that is not gzip',
    answer: ok('definitely not gzip', { headers: { 'Content-Encoding': 'gzip' } }),
    code: 'network',
    status: 0,
  },
  {
    name: 'a 100 KiB response header',
    answer: raw(head([`X-Big: ${'a'.repeat(100 * 1024)}`])),
    code: 'network',
    status: 0,
  },
  {
    name: 'connection refused (nothing listening; maxRetries 0)',
    client: async () => ({ baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 }),
    code: 'network',
    status: 0,
    requests: 0,
    message: /refused/,
  },
  {
    // Refused means nothing was sent, so even a create may go again: nothing listens at first,
    // a server comes up on that port a moment later, and the retried create reaches it once.
    name: 'a create to a refused port is retried until the port answers',
    op: 'create',
    client: async (ctx) => {
      ctx.port = await closedPort();
      return { baseUrl: `http://127.0.0.1:${ctx.port}`, maxRetries: 10, timeoutMs: 20000 };
    },
    before: (ctx) => {
      ctx.late = new Promise((resolve, reject) => {
        setTimeout(() => {
          startRawServer(
            (req, sock) => respond(sock, req, 201, { body: tokenJson({ token: 'dckr_oat_late' }) }),
            { port: ctx.port },
          ).then(resolve, reject);
        }, 150);
      });
    },
    code: null,
    requests: 0,
    maxMs: 15000,
    check: async (ctx) => {
      const late = await ctx.late;
      try {
        assert.equal(ctx.result.status, 201);
        assert.equal(ctx.result.data.token, 'dckr_oat_late');
        assert.deepEqual(
          late.requests.map((r) => r.method),
          ['POST'],
          'exactly one create arrived',
        );
      } finally {
        await late.close();
      }
    },
  },

  // Headers a raw socket can forge.
  {
    name: 'an obs-fold continuation line in X-RateLimit-Remaining',
    answer: raw(
      head([
        'Content-Type: application/json',
        'X-RateLimit-Limit: 10',
        'X-RateLimit-Remaining: 5',
        ' folded',
        'X-RateLimit-Reset: 7',
      ]) + TOKEN,
    ),
    code: null,
    check: ({ result, hub }) => {
      assert.deepEqual(
        hub.rateLimit,
        { limit: 10, remaining: null, reset: 7 },
        'the folded value is not read as 5',
      );
      for (const [k, v] of Object.entries(result.headers))
        assert.doesNotMatch(`${k}: ${v}`, /[\r\n\0]/);
    },
  },
  {
    name: 'headers named like Object members, repeated, or empty stay plain own strings',
    answer: raw(
      head([
        'Content-Type: application/json',
        'Constructor: a',
        '__proto__: b',
        'toString: c',
        'X-Dup: 1',
        'X-Dup: 2',
        'X-Empty:',
        'X-Colon: a:b',
      ]) + TOKEN,
    ),
    code: null,
    check: ({ result }) => {
      const h = result.headers;
      assert.equal(Object.getPrototypeOf(h), Object.prototype);
      for (const [k, v] of [
        ['constructor', 'a'],
        ['__proto__', 'b'],
        ['tostring', 'c'],
        ['x-dup', '1, 2'],
        ['x-empty', ''],
        ['x-colon', 'a:b'],
      ]) {
        assert.ok(Object.hasOwn(h, k), `${k} is an own property`);
        assert.equal(h[k], v, k);
      }
    },
  },
  {
    name: 'a bare CR inside a header value',
    answer: raw(
      head(['Content-Type: application/json', 'X-RateLimit-Remaining: 5\rX-Evil: 1']) + TOKEN,
    ),
    code: 'network',
    status: 0,
  },
  {
    name: 'a NUL inside a header value',
    answer: raw(head(['Content-Type: application/json', 'X-A: a\0b']) + TOKEN),
    code: 'network',
    status: 0,
  },
  {
    name: 'header lines ending in bare LF',
    answer: raw(
      `HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: ${TOKEN.length}\n\n${TOKEN}`,
    ),
    code: 'network',
    status: 0,
  },
  {
    name: 'Latin-1 bytes in a rate-limit header',
    answer: raw(
      head(['Content-Type: application/json', 'X-RateLimit-Remaining: \xff\xfe5']) + TOKEN,
    ),
    code: null,
    check: ({ hub }) => assert.equal(hub.rateLimit.remaining, null),
  },

  // Retry-After on a 429 with maxRetries 1: never a hang, bounded time.
  {
    name: 'Retry-After: 99999999999999999999 fails at once (longer than the deadline)',
    client: { maxRetries: 1, timeoutMs: 10000 },
    answer: rateLimited({ 'Retry-After': '99999999999999999999' }),
    code: 'rate_limited',
    status: 429,
    requests: 1,
    maxMs: 1000,
    check: ({ error }) => assert.equal(error.retryAfter, 86400, 'capped at a day'),
  },
  {
    name: 'X-Retry-After: 99999999999999999999 fails at once',
    client: { maxRetries: 1, timeoutMs: 10000 },
    answer: rateLimited({ 'X-Retry-After': '99999999999999999999' }),
    code: 'rate_limited',
    status: 429,
    requests: 1,
    maxMs: 1000,
  },
  {
    name: 'Retry-After: 3 with 1 s left fails at once with the 429',
    client: { maxRetries: 1, timeoutMs: 1000 },
    answer: rateLimited({ 'Retry-After': '3' }),
    code: 'rate_limited',
    status: 429,
    requests: 1,
    maxMs: 500,
    check: ({ error }) => assert.equal(error.retryAfter, 3),
  },
  {
    name: 'Retry-After: -1 is ignored (backoff, one retry)',
    client: { maxRetries: 1, timeoutMs: 10000 },
    answer: rateLimited({ 'Retry-After': '-1' }),
    code: 'rate_limited',
    status: 429,
    requests: 2,
    maxMs: 2000,
    check: ({ error }) => assert.equal(error.retryAfter, undefined),
  },
  {
    name: 'Retry-After: abc is ignored (backoff, one retry)',
    client: { maxRetries: 1, timeoutMs: 10000 },
    answer: rateLimited({ 'Retry-After': 'abc' }),
    code: 'rate_limited',
    status: 429,
    requests: 2,
    maxMs: 2000,
  },
  {
    name: 'Retry-After: an HTTP date in the past means now',
    client: { maxRetries: 1, timeoutMs: 10000 },
    answer: rateLimited({ 'Retry-After': pastDate }),
    code: 'rate_limited',
    status: 429,
    requests: 2,
    maxMs: 1000,
    check: ({ error }) => assert.equal(error.retryAfter, 0),
  },

  // Other hosts.
  {
    name: 'a `next` on another host: auto-pagination never contacts it',
    op: 'listAll',
    answer: (req, sock) => {
      const page = Number(new URL(req.path, 'http://x').searchParams.get('page'));
      const item = (({ resources, ...t }) => t)(tokenJson({ id: `tok-${page}` }));
      respond(sock, req, 200, {
        body: {
          total: 3,
          next: page < 3 ? `${other.url}${req.path.replace(/page=\d+/, `page=${page + 1}`)}` : null,
          previous: null,
          results: [item],
        },
      });
    },
    code: null,
    requests: 3,
    check: ({ result, reqs, org }) => {
      assert.deepEqual(
        result.data.map((t) => t.id),
        ['tok-1', 'tok-2', 'tok-3'],
      );
      assert.deepEqual(
        reqs.map((r) => new URL(r.path, 'http://x').searchParams.get('page')),
        ['1', '2', '3'],
      );
      assert.equal(other.requests.filter((r) => r.org === org).length, 0);
    },
  },
  {
    name: 'a `next` that points back at page 1 stops auto-pagination',
    op: 'listAll',
    answer: ok({
      total: 1000,
      next: '/v2/orgs/x/access-tokens?page=1',
      previous: null,
      results: [{ id: 'only' }],
    }),
    code: null,
    requests: 1,
    check: ({ result }) =>
      assert.deepEqual(
        result.data.map((t) => t.id),
        ['only'],
      ),
  },
  {
    // Redirects are not followed (bindings/xhr.js): the API never redirects, and a followed one
    // could carry a JWT or a sign-in body elsewhere. The 3xx is reported as it came.
    name: 'a 302 to another host: not followed',
    answer: (req, sock) =>
      respond(sock, req, 302, { headers: { Location: `${other.url}${req.path}` } }),
    code: 'unexpected_status',
    status: 302,
    requests: 1,
    check: ({ org }) =>
      assert.equal(
        other.requests.filter((r) => r.org === org).length,
        0,
        'the other host was contacted',
      ),
  },
  {
    name: 'a 307 on a create to another host: not followed',
    op: 'create',
    answer: (req, sock) =>
      respond(sock, req, 307, { headers: { Location: `${other.url}${req.path}` } }),
    code: 'unexpected_status',
    status: 307,
    requests: 1,
    check: ({ org }) =>
      assert.equal(
        other.requests.filter((r) => r.org === org).length,
        0,
        'the other host was contacted',
      ),
  },
  {
    // The sign-in's body holds the password: a 307/308 would re-send it to wherever Location says.
    name: 'a 307 on the sign-in to another host: the password never gets there',
    client: (ctx) => ({ token: undefined, credentials: { identifier: ctx.org, secret: PASSWORD } }),
    answer: (req, sock) =>
      respond(sock, req, 307, { headers: { Location: `${other.url}/v2/auth/token` } }),
    code: 'unexpected_status',
    requests: 1,
    check: () => {
      for (const r of other.requests) {
        assert.ok(
          !r.body.includes(PASSWORD) && !JSON.stringify(r.headers).includes(PASSWORD),
          'the password reached the other host',
        );
      }
    },
  },
  {
    name: 'a redirect loop: one request, not followed',
    answer: (req, sock) => respond(sock, req, 302, { headers: { Location: req.path } }),
    code: 'unexpected_status',
    status: 302,
    requests: 1,
  },

  // Sign-in answers.
  {
    name: 'a sign-in answer whose access_token holds CR LF: nothing is sent with it',
    client: (ctx) => ({ token: undefined, credentials: { identifier: ctx.org, secret: PASSWORD } }),
    answer: ok({ access_token: 'abc\r\nX-Injected: 1' }),
    code: 'invalid_response',
    requests: 1,
    check: ({ reqs }) => assert.equal(reqs[0].path, '/v2/auth/token'),
  },
  {
    name: 'a sign-in answered with an HTML page',
    client: (ctx) => ({ token: undefined, credentials: { identifier: ctx.org, secret: PASSWORD } }),
    answer: ok(html('Login'), { headers: { 'Content-Type': 'text/html' } }),
    code: 'invalid_response',
    requests: 1,
  },
  {
    name: 'a 401 on every call: one re-sign-in, then unauthorized',
    client: (ctx) => ({ token: undefined, credentials: { identifier: ctx.org, secret: PASSWORD } }),
    answer: (req, sock) => {
      if (req.path === '/v2/auth/token')
        return respond(sock, req, 200, { body: { access_token: JWT } });
      respond(sock, req, 401, { body: { detail: 'token revoked' } });
    },
    code: 'unauthorized',
    status: 401,
    requests: 4,
    message: /^token revoked$/,
  },

  // The caller gives up while the server stalls.
  {
    name: 'an abort while the server stalls',
    answer: (req, sock) => {
      req.sock = sock;
      sock.write(head(['Content-Type: application/json']));
    },
    run: async (ctx) => {
      const ac = new AbortController();
      const p = OPS.get(ctx.hub, ctx.org, { signal: ac.signal });
      await until(() => srv.requests.some((r) => r.org === ctx.org));
      ac.abort();
      return p;
    },
    code: 'aborted',
    requests: 1,
    check: async ({ reqs }) => assert.equal(await closedWithin(reqs[0].sock, 2000), 'closed'),
  },
  {
    name: 'hub.close() while the server stalls',
    answer: () => {},
    run: async (ctx) => {
      const p = OPS.update(ctx.hub, ctx.org);
      await until(() => srv.requests.some((r) => r.org === ctx.org));
      ctx.hub.close();
      return p;
    },
    code: 'closed',
    requests: 1,
  },
];

/** Waits (polling the event loop, bounded) until cond() holds. */
async function until(cond, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('the server never saw the request');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const slug = (name, i) => `case-${String(i).padStart(3, '0')}`;

test('the table has at least 30 cases, each with an exact expectation', () => {
  assert.ok(CASES.length >= 30, `${CASES.length} cases`);
  for (const c of CASES) assert.ok(c.code === null || typeof c.code === 'string', c.name);
});

CASES.forEach((c, i) => {
  test(`${c.name} -> ${c.code ?? 'success'}`, { todo: c.todo }, async () => {
    const ctx = { org: slug(c.name, i) };
    if (c.answer) handlers.set(ctx.org, c.answer);
    const extra = typeof c.client === 'function' ? await c.client(ctx) : c.client;
    const options = { baseUrl: srv.url, token: JWT, maxRetries: 0, timeoutMs: 5000, ...extra };
    if (options.token === undefined) delete options.token;
    ctx.hub = await createClient(options);
    try {
      c.before?.(ctx);
      const t0 = performance.now();
      try {
        ctx.result = await (c.run ? c.run(ctx) : OPS[c.op ?? 'get'](ctx.hub, ctx.org));
      } catch (err) {
        ctx.error = err;
      }
      ctx.ms = performance.now() - t0;
      ctx.reqs = srv.requests.filter((r) => r.org === ctx.org);

      if (c.code === null) {
        assert.equal(
          ctx.error,
          undefined,
          `expected success, got ${ctx.error?.code}: ${ctx.error?.message}`,
        );
      } else {
        assert.ok(
          ctx.error,
          `expected ${c.code}, the call resolved: ${JSON.stringify(ctx.result)?.slice(0, 200)}`,
        );
        assert.ok(ctx.error instanceof DockerHubError, `not a DockerHubError: ${ctx.error}`);
        assert.equal(ctx.error.code, c.code, ctx.error.message);
        if (c.status !== undefined) assert.equal(ctx.error.status, c.status);
        assert.equal(typeof ctx.error.message, 'string');
        assert.ok(
          ctx.error.message.length > 0 && ctx.error.message.length <= 1003,
          'a short message',
        );
        assert.doesNotMatch(
          ctx.error.message,
          /<\/?(html|body|h1|center)\b/i,
          'no HTML in the message',
        );
        if (c.message) assert.match(ctx.error.message, c.message);
      }
      assert.ok(ctx.ms <= (c.maxMs ?? 3000), `took ${Math.round(ctx.ms)} ms`);
      if (c.minMs !== undefined) assert.ok(ctx.ms >= c.minMs, `took only ${Math.round(ctx.ms)} ms`);
      if (c.requests !== undefined)
        assert.equal(ctx.reqs.length, c.requests, 'requests that reached the server');
      else if (!extra?.baseUrl)
        assert.ok(ctx.reqs.length >= 1, 'the case was answered by its server');
      await c.check?.(ctx);
    } finally {
      ctx.hub.close();
      handlers.delete(ctx.org);
    }
    // The module still answers a plain call.
    assert.equal((await healthy.getAccessToken('healthy', 'x')).id, tokenJson().id);
  });
});

test('a gzip body with a small Content-Length that decodes far past maxResponseBytes', async () => {
  gzipBomb ??= zlib.gzipSync(Buffer.alloc(GZIP_BOMB_DECODED, 32), { level: 9 });
  const org = 'case-gzip-bomb';
  handlers.set(org, (req, sock) =>
    respond(sock, req, 200, {
      headers: { 'Content-Encoding': 'gzip', 'Content-Length': gzipBomb.length },
      body: gzipBomb,
    }),
  );
  const hub = await createClient({
    baseUrl: srv.url,
    token: JWT,
    maxRetries: 0,
    timeoutMs: 20000,
    maxResponseBytes: MiB,
  });
  try {
    assert.ok(gzipBomb.length < MiB, 'on the wire it is within the limit');
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const err = await OPS.get(hub, org).then(
      () => null,
      (e) => e,
    );
    const ms = performance.now() - t0;
    const grew = process.memoryUsage().rss - rss0;
    assert.ok(err instanceof DockerHubError);
    assert.equal(err.code, 'invalid_response');
    assert.ok(
      grew < 32 * MiB,
      `the process grew by ${Math.round(grew / MiB)} MiB for a ${GZIP_BOMB_DECODED / MiB} MiB decoded body (limit 1 MiB), in ${Math.round(ms)} ms`,
    );
  } finally {
    hub.close();
    handlers.delete(org);
  }
});

// A JWT that expires within the renewal margin. The failure looked for blocks the event loop, so
// each variant runs in a child process that is killed if it does not finish on its own.
for (const mode of ['credentials', 'function']) {
  test(`a ${mode === 'credentials' ? 'sign-in answer' : 'token function'} giving an expired JWT: no hang`, async () => {
    const script = fileURLToPath(new URL('../probes/hostile-child-jwt.js', import.meta.url));
    const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [exitCode, signal] = await new Promise((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(killer);
    assert.equal(signal, null, `the child hung and was killed; output: ${out}`);
    assert.equal(exitCode, 0, out);
    const result = JSON.parse(out.trim().split('\n').at(-1));
    assert.ok(result.ms <= 2000, `settled after ${result.ms} ms (timeoutMs 1000)`);
    assert.ok(result.signIns <= 3, `${result.signIns} sign-ins for one call`);
  });
}

test('no unhandled rejection and no uncaught exception happened', async () => {
  await new Promise((resolve) => setTimeout(resolve, 50)); // let late callbacks of the last cases run
  assert.deepEqual(
    failures.seen.map(([kind, e]) => `${kind}: ${e?.stack ?? e}`),
    [],
  );
});
