// The benchmark's Docker Hub: a loopback HTTP server run in its own process (so its work does not
// share the measured event loop), answering the four measured operations with prebuilt bodies
// (bodies.js) and Docker Hub's headers, X-RateLimit-* among them. It checks the bearer and the
// paths, so a client that sends the wrong request fails loudly instead of measuring a 404.
// Started by run.js with fork(); tells its port over IPC; exits when its parent goes.
import http from 'node:http';
import { ORG, TOKEN_ID, JWT, tokenBody, pageBody, createBody } from './bodies.js';

const AUTH = `Bearer ${JWT}`;
const LIMIT = 1800;
const bodies = new Map([
  ['get', Buffer.from(JSON.stringify(tokenBody))],
  ['create', Buffer.from(JSON.stringify(createBody))],
]);
for (const size of [10, 100])
  bodies.set(`list${size}`, Buffer.from(JSON.stringify(pageBody('', 1, size))));

const listPath = `/v2/orgs/${ORG}/access-tokens`;
const getPath = `${listPath}/${TOKEN_ID}`;
let served = 0;

function send(res, status, body) {
  served++;
  const reset = Math.ceil(Date.now() / 60000) * 60;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': body.length,
    'x-ratelimit-limit': String(LIMIT),
    'x-ratelimit-remaining': String(LIMIT - 1 - (served % LIMIT)),
    'x-ratelimit-reset': String(reset),
    'strict-transport-security': 'max-age=31536000',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'deny',
    'cache-control': 'no-store',
  });
  res.end(body);
}

const fail = (res, status, message) =>
  send(res, status, Buffer.from(JSON.stringify({ message, errinfo: {} })));

const server = http.createServer((req, res) => {
  if (req.url === '/_bench/ping') return send(res, 200, Buffer.from('{}')); // cold.js's first fetch()
  if (req.headers.authorization !== AUTH) return fail(res, 401, 'bearer missing or wrong');
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (req.method === 'GET' && path === getPath) return send(res, 200, bodies.get('get'));
  if (req.method === 'GET' && path === listPath) {
    const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const body = bodies.get(`list${params.get('page_size')}`);
    if (params.get('page') !== '1' || !body)
      return fail(res, 400, 'the bench serves page 1 of 10 or 100');
    return send(res, 200, body);
  }
  if (req.method === 'POST' && path === listPath) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let ok = false;
      try {
        ok = typeof JSON.parse(Buffer.concat(chunks).toString()).label === 'string';
      } catch {
        // not JSON: refused below
      }
      if (!ok) return fail(res, 400, 'create needs a JSON body with a label');
      send(res, 201, bodies.get('create'));
    });
    return;
  }
  fail(res, 404, `no route for ${req.method} ${path}`);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}`;
  if (process.send) process.send({ url });
  else console.log(url);
});
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m === 'served') process.send({ served });
});
