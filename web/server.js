#!/usr/bin/env node
/**
 * The dashboard's server (`npm start`): serves the admin dashboard, the package's browser build,
 * and either the embedded Docker Hub sandbox or, with `--upstream`, a proxy of `/v2/` to the real Hub
 * (Docker Hub sends no CORS headers, so a page cannot call it directly).
 *
 *   node web/server.js [--port 8080] [--host 127.0.0.1] [--upstream https://hub.docker.com] [--quiet]
 *
 * Decisions:
 * - Only an allow-list is served: the files of web/dashboard/ (at `/`), the browser-loadable modules of
 *   bindings/ (`/bindings/*.js`) and the two files of dist/. The list is made at start from fixed
 *   directories; a request path is looked up in it as a whole string, never joined to a directory, so
 *   no path can reach another file.
 * - Every response, whatever its origin, carries the strict CSP below, nosniff and no-referrer.
 * - The proxy forwards only `/v2/...` (origin-form request targets), only to the one upstream given at
 *   start; the Host and the target never come from the request. Hop-by-hop headers, cookies, Origin,
 *   Referer and X-Forwarded-* are not forwarded; Set-Cookie is not passed back. The log has method,
 *   path and status only: never a query, a header or a body.
 * - The sandbox's `/_sandbox/` control routes are mounted only when the server listens on loopback
 *   (the sandbox also checks that each caller is on loopback, and wants its control token and JSON).
 * - Every request whose Host header does not name this server (a loopback name or the address it
 *   listens on, with its port) is refused with 403 before anything else: a page that reached us by
 *   DNS rebinding (evil.test -> 127.0.0.1) gets nothing.
 * - Our security headers always win: no upstream header and no sandbox fault can set or join them,
 *   and upstream CORS headers (`access-control-*`) are dropped (see PROTECTED_HEADERS in web/sandbox/guard.js).
 */
import http from 'node:http';
import https from 'node:https';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createSandboxHandler, isLoopbackHost } from './sandbox/index.js';
import { hostAllowed, hostNamesFor, HOST_REFUSED, isProtectedHeader } from './sandbox/guard.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
  + "frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS = Object.freeze({
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** bindings/*.js that browsers never load: the Node entry and Emscripten build inputs. */
const BINDINGS_NOT_SERVED = new Set(['index.node.js', 'library_dh.js', 'pre.js']);

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade',
]);
/** Request headers that describe the browser's side and have no business upstream. */
const NOT_FORWARDED = new Set(['host', 'cookie', 'origin', 'referer', 'forwarded', 'via', 'x-real-ip', 'content-length']);
/**
 * Whether an upstream response header may reach the browser: never one of the headers that only this
 * server sets (security policy, CORS, cookies, framing), except the body's own length.
 */
const returned = (name) => name === 'content-length' || !isProtectedHeader(name);

const MAX_PROXY_BODY = 1024 * 1024;
const PROXY_TIMEOUT_MS = 60_000;

/** The allow-list: request path -> { file, type }. */
function buildRoutes() {
  const routes = new Map();
  const ext = (name) => name.slice(name.lastIndexOf('.'));
  const add = (urlPath, file) => routes.set(urlPath, { file, type: MIME[ext(file)] });
  const dash = `${ROOT}web/dashboard/`;
  for (const name of readdirSync(dash)) {
    if (/^[\w.-]+\.(html|js|css|svg)$/.test(name)) add(`/${name}`, dash + name);
  }
  add('/', `${dash}index.html`);
  for (const name of readdirSync(`${ROOT}bindings/`)) {
    if (/^[\w.-]+\.js$/.test(name) && !BINDINGS_NOT_SERVED.has(name)) add(`/bindings/${name}`, `${ROOT}bindings/${name}`);
  }
  add('/dist/dockerhub_oat.mjs', `${ROOT}dist/dockerhub_oat.mjs`);
  add('/dist/dockerhub_oat.wasm', `${ROOT}dist/dockerhub_oat.wasm`);
  return routes;
}

/**
 * Checks `--upstream`: an http(s) origin and nothing else.
 * @returns {URL}
 */
export function parseUpstream(value) {
  let u;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`--upstream must be a URL such as https://hub.docker.com, got ${JSON.stringify(value)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('--upstream must be an http(s) URL');
  if (u.username || u.password) throw new Error('--upstream may not carry a user name or password');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new Error('--upstream must be an origin only (scheme, host, port), such as https://hub.docker.com');
  }
  return u;
}

/**
 * True when the raw request path is already normal: the URL parser changed nothing (no "." or ".."
 * segment, no backslash) and no segment decodes to "." or ".." or hides a "/" or "\\".
 */
function cleanPath(rawPath, parsedPath) {
  if (rawPath !== parsedPath) return false;
  for (const segment of rawPath.split('/')) {
    let s;
    try {
      s = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0')) return false;
  }
  return true;
}

function setSecurityHeaders(res) {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

function sendText(res, status, text, extra = {}) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(text);
}

function sendJson(res, status, body) {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function serveFile(req, res, route) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    return sendText(res, 405, 'Method not allowed.\n', { allow: 'GET, HEAD' });
  }
  let body;
  try {
    body = await readFile(route.file);
  } catch {
    return sendText(res, 404, route.file.endsWith('.wasm') || route.file.endsWith('.mjs')
      ? 'Not built yet: run `npm run build`.\n' : 'Not found.\n');
  }
  res.writeHead(200, {
    'content-type': route.type,
    'content-length': body.length,
    // The HTML must never be cached; the modules are revalidated so a rebuild shows at once.
    'cache-control': route.type.startsWith('text/html') ? 'no-store' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Forwards one /v2/ request to the upstream, streaming both ways. */
function proxy(req, res, upstream, pathAndQuery) {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_PROXY_BODY) {
    req.resume();
    return sendJson(res, 413, { message: 'Request body too large.', errinfo: {} });
  }
  const dropped = new Set(HOP_BY_HOP);
  for (const name of String(req.headers.connection ?? '').split(',')) dropped.add(name.trim().toLowerCase());
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (dropped.has(name) || NOT_FORWARDED.has(name) || name.startsWith('x-forwarded-') || name.startsWith('proxy-')) continue;
    headers[name] = value;
  }
  headers.host = upstream.host;
  if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
  const lib = upstream.protocol === 'https:' ? https : http;
  const out = lib.request({
    protocol: upstream.protocol,
    hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
    port: upstream.port || undefined,
    method: req.method,
    path: pathAndQuery,
    headers,
    timeout: PROXY_TIMEOUT_MS,
  });
  out.on('response', (up) => {
    const back = {};
    const upDropped = new Set(HOP_BY_HOP);
    for (const name of String(up.headers.connection ?? '').split(',')) upDropped.add(name.trim().toLowerCase());
    for (const [name, value] of Object.entries(up.headers)) {
      if (upDropped.has(name) || !returned(name)) continue;
      back[name] = value;
    }
    back['cache-control'] ??= 'no-store';
    res.writeHead(up.statusCode ?? 502, back);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  out.on('timeout', () => out.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })));
  out.on('error', (err) => {
    if (res.headersSent) return res.destroy();
    const timedOut = err.code === 'ETIMEDOUT';
    sendJson(res, timedOut ? 504 : 502, {
      message: timedOut ? `${upstream.origin} did not answer in time.` : `${upstream.origin} could not be reached.`,
      errinfo: {},
    });
  });
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_PROXY_BODY) {
      out.destroy();
      req.unpipe(out);
      req.resume();
      sendJson(res, 413, { message: 'Request body too large.', errinfo: {} });
    }
  });
  req.pipe(out);
  res.on('close', () => { if (!res.writableFinished) out.destroy(); });
}

/**
 * Starts the dashboard server.
 * @param {object} [options]
 * @param {number} [options.port=8080] 0 picks a free port
 * @param {string} [options.host='127.0.0.1'] anything but loopback is reachable by others (a warning is printed)
 * @param {string} [options.upstream] an origin such as https://hub.docker.com: proxy /v2/ there, no sandbox
 * @param {object} [options.sandbox] options for createSandboxHandler (seed, rateLimit, now, ...)
 * @param {false | ((line: string) => void)} [options.log=false] one line per request
 * @param {(text: string) => void} [options.warn] where the non-loopback warning goes (default stderr)
 * @returns {Promise<{ url: string, port: number, host: string, upstream: string | null,
 *   sandbox: ReturnType<typeof createSandboxHandler> | null, controlToken: string | null,
 *   server: http.Server, close(): Promise<void> }>}
 */
export async function startServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const upstream = options.upstream ? parseUpstream(options.upstream) : null;
  const loopback = isLoopbackHost(host);
  const routes = buildRoutes();
  const hostNames = hostNamesFor(host);
  const sandbox = upstream ? null : createSandboxHandler({ ...(options.sandbox ?? {}), hostNames, log: false });
  const log = typeof options.log === 'function' ? options.log : null;
  const warn = options.warn ?? ((text) => process.stderr.write(text));

  const server = http.createServer((req, res) => {
    const started = performance.now();
    setSecurityHeaders(res);
    const target = req.url ?? '';
    // Origin-form only ("/path?query"): no absolute-form or authority-form targets, no "//host".
    if (!target.startsWith('/') || target.startsWith('//')) {
      req.resume();
      return sendText(res, 400, 'Bad request target.\n');
    }
    let url;
    try {
      url = new URL(target, 'http://dashboard.invalid');
    } catch {
      req.resume();
      return sendText(res, 400, 'Bad request target.\n');
    }
    const path = url.pathname;
    if (log) {
      res.once('close', () => log(`${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
    }
    if (!hostAllowed(req, hostNames)) {
      req.resume();
      return sendText(res, 403, `${HOST_REFUSED}\n`);
    }
    // A path that needed normalizing ("/a/../b", "%2e%2e") is refused rather than resolved.
    if (!cleanPath(target.split('?')[0], path)) {
      req.resume();
      return sendText(res, 400, 'Bad request path.\n');
    }
    if (path.startsWith('/v2/')) {
      if (upstream) return proxy(req, res, upstream, path + url.search);
      return sandbox.handle(req, res);
    }
    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
      if (sandbox && loopback) return sandbox.handle(req, res);
      req.resume();
      return sendText(res, 404, 'Not found.\n');
    }
    const route = routes.get(path);
    if (route) return serveFile(req, res, route);
    req.resume();
    return sendText(res, 404, 'Not found.\n');
  });
  server.keepAliveTimeout = 5000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address();
  const wildcard = addr.address === '0.0.0.0' || addr.address === '::';
  const shownHost = host === 'localhost' ? 'localhost'
    : wildcard ? '127.0.0.1'
      : addr.family === 'IPv6' || addr.family === 6 ? `[${addr.address}]` : addr.address;
  if (!loopback) {
    warn(
      `\n!!! WARNING: the dashboard server is listening on ${host}, not on loopback.\n`
      + '!!! Anyone who can reach this address can use it'
      + (sandbox ? ', sign in to the sandbox with its seeded credentials and use its tokens.\n'
        : `, and it forwards their /v2/ requests to ${upstream.origin}.\n`)
      + '!!! Traffic is plain HTTP: passwords and tokens typed into the page cross the network unencrypted.\n'
      + (sandbox ? '!!! The /_sandbox control routes are switched off.\n' : '')
      + '\n',
    );
  }
  const url = `http://${shownHost}:${addr.port}`;
  sandbox?.setOrigin(url);
  let closing = null;
  return {
    url,
    port: addr.port,
    host,
    upstream: upstream ? upstream.origin : null,
    sandbox,
    /** The embedded sandbox's control token (X-Sandbox-Token), or null with --upstream. */
    controlToken: sandbox ? sandbox.controlToken : null,
    server,
    close() {
      closing ??= new Promise((resolve) => {
        sandbox?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

const USAGE = `Usage: npm start -- [options]    (or: node web/server.js [options])

  --port N          port to listen on (default 8080; 0 picks a free one)
  --host H          address to listen on (default 127.0.0.1; anything else is reachable by others)
  --upstream URL    forward /v2/ to this Docker Hub (e.g. https://hub.docker.com) instead of the sandbox
  --quiet           no request log
  -h, --help        this text
`;

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' }, host: { type: 'string' }, upstream: { type: 'string' },
        quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`dashboard: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (args.port !== undefined && (!/^\d+$/.test(args.port) || Number(args.port) > 65535)) {
    process.stderr.write(`dashboard: --port needs an integer from 0 to 65535, got ${JSON.stringify(args.port)}\n`);
    process.exit(2);
  }
  const port = args.port === undefined ? 8080 : Number(args.port);
  let srv;
  try {
    srv = await startServer({
      port,
      host: args.host ?? '127.0.0.1',
      upstream: args.upstream,
      log: args.quiet ? false : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    });
  } catch (e) {
    const msg = e.code === 'EADDRINUSE' ? `port ${port} is already in use; pick another with --port` : e.message;
    process.stderr.write(`dashboard: ${msg}\n`);
    process.exit(1);
  }
  const lines = ['', `Docker Hub access tokens dashboard: ${srv.url}/`, ''];
  if (srv.sandbox) {
    const c = srv.sandbox.credentials;
    const owner = c.users.find((u) => u.username === 'acme-owner');
    lines.push('Backed by the local Docker Hub sandbox: nothing leaves this machine.');
    if (owner && c.orgs.some((o) => o.name === 'acme')) {
      lines.push('Sign in with', '  Organization              acme', `  Username                  ${owner.username}`,
        `  Password or access token  ${owner.password}`, '');
    }
    lines.push('Sandbox users:');
    for (const u of c.users) {
      lines.push(`  ${u.username.padEnd(16)} password ${u.password ?? '(none)'}${u.pats.length ? `   PAT ${u.pats.join(', ')}` : ''}`);
    }
    lines.push('Sandbox organizations:');
    for (const o of c.orgs) lines.push(`  ${o.name.padEnd(16)} ${o.plan} plan, owners ${o.owners.join(', ') || '-'}`);
    if (srv.host && isLoopbackHost(srv.host)) {
      lines.push('Sandbox control (this machine only, JSON, header X-Sandbox-Token): POST /_sandbox/faults, GET /_sandbox/requests, GET /_sandbox/state.',
        `  Control token for this start: ${srv.controlToken}`);
    }
  } else {
    lines.push(`Proxying /v2/ to ${srv.upstream}: sign in with the username and the password or personal`);
    lines.push('access token of an owner of the organization. This server stores nothing and logs no secret.');
    if (srv.upstream.startsWith('http:') && !isLoopbackHost(new URL(srv.upstream).hostname)) {
      lines.push('', `!!! WARNING: ${srv.upstream} is plain HTTP: credentials and tokens would cross the network unencrypted.`);
    }
  }
  lines.push('Ctrl-C stops.', '');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      if (stopping) process.exit(1);
      stopping = true;
      await srv.close();
      process.exit(0);
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
