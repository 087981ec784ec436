// Runs one native end-to-end test program against a fresh Docker Hub sandbox on loopback port 0.
//
//   node tests/c/e2e_sandbox.mjs PROGRAM [ARGS...]          (tests/c/e2e_main.c: exit code kept)
//   node tests/c/e2e_sandbox.mjs --check-example PROGRAM    (tests/examples/oat_example.c)
//   node tests/c/e2e_sandbox.mjs --jwt-ttl 90 PROGRAM ...   (JWTs minted for 90 s, not 600)
//   node tests/c/e2e_sandbox.mjs --tls PROGRAM ...          (also HTTPS, see tlsServers)
//   DH_E2E_WRAP="valgrind -q --error-exitcode=1" node tests/c/e2e_sandbox.mjs ...   (a prefix)
//
// The program gets DOCKERHUB_BASE_URL, DOCKERHUB_IDENTIFIER, DOCKERHUB_SECRET, DOCKERHUB_ORG and,
// on file descriptor 3 (a socket pair), the sandbox's control plane as one JSON line per
// request and one line per answer. The control runs in this process, through the sandbox's JS
// API, so the test never needs the HTTP control routes:
//   {"op":"faults","spec":[...]}  -> ok                  (web/sandbox/faults.js)
//   {"op":"requests"}             -> "POST /v2/auth/token|GET /v2/orgs/acme/access-tokens|..."
//   {"op":"reset"}                -> ok                  (request log and faults emptied, real clock again)
//   {"op":"advance","seconds":N}  -> ok                  (the sandbox's clock moves N seconds on)
//   {"op":"freeze","unix":T}      -> ok                  (the sandbox's clock stops at unix time T)
//   {"op":"closed","route":R}     -> "closed N"          (once the raw server's answer to R has
//                                                          lost its connection, after N body bytes)
// Beside the sandbox, a raw server (DH_E2E_RAW_URL) answers what the sandbox cannot, on
// GET /v2/orgs/R/access-tokens: R = endless (a body that never ends), stall (headers, then
// nothing), hints (a 103 Early Hints with its own headers before the 200).
// A hostile server (DH_E2E_HOSTILE_URL) writes raw bytes no HTTP library would, on
// GET /v2/orgs/R/access-tokens: R = bigblock (300 KiB of header lines), bigline (one 200 KB
// header line), folded (an obs-fold continuation line), leadfold (a folded line before any
// header), trailers (a chunked body with trailers), stall (accepts, reads, never answers).
// A proxy (DH_E2E_PROXY_URL) answers 502 to anything, and records what it was sent:
//   {"op":"proxied"}              -> "POST http://127.0.0.1:PORT/v2/auth/token|CONNECT 127.0.0.1:PORT|..."
//   --expect-line TEXT PROGRAM    the program's stdout must hold TEXT as a whole line (examples/)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSandbox } from '../../web/sandbox/index.js';

const args = process.argv.slice(2);
const checkExample = args[0] === '--check-example';
if (checkExample) args.shift();
let expectLine = null;
if (args[0] === '--expect-line') {
  expectLine = args[1];
  args.splice(0, 2);
}
let jwtTtlSeconds = 600;
if (args[0] === '--jwt-ttl') {
  jwtTtlSeconds = Number(args[1]);
  args.splice(0, 2);
}
const tls = args[0] === '--tls';
if (tls) args.shift();
if (!args.length) {
  process.stderr.write('usage: node tests/c/e2e_sandbox.mjs [--check-example] PROGRAM [ARGS...]\n');
  process.exit(2);
}

let offsetMs = 0;
let fixedMs = null; // a frozen clock, for tests that count seconds

const sb = await startSandbox({
  host: '127.0.0.1',
  port: 0,
  rateLimit: 1000000, // valgrind runs are slow, not many: the limiter is tested by faults here
  jwtTtlSeconds,
  now: () => fixedMs ?? Date.now() + offsetMs,
  // `pages`: an org with enough tokens for several pages (Business: the Team limit is 10).
  seed: { orgs: [{ name: 'pages', plan: 'business', owners: ['acme-owner'], generateTokens: 23 }] },
});

/** "GET /v2/orgs/acme/access-tokens?page=2&page_size=5": the query in the order it came. */
function logEntry(r) {
  const q = new URLSearchParams(r.query).toString();
  return `${r.method} ${r.path}${q ? `?${q}` : ''}`;
}

const rawAnswers = new Map(); // route -> { bytes, closed: Promise<number> }

function track(route, res) {
  const st = { bytes: 0 };
  st.closed = new Promise((resolve) => res.once('close', () => resolve(st.bytes)));
  rawAnswers.set(route, st);
  return st;
}

const EMPTY_PAGE = JSON.stringify({ total: 0, next: null, previous: null, results: [] });
const raw = createServer((req, res) => {
  const route = /^\/v2\/orgs\/([a-z]+)\/access-tokens$/.exec(
    new URL(req.url, 'http://x').pathname,
  )?.[1];
  if (route === 'endless') {
    const st = track(route, res);
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length to refuse it by
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && st.bytes < 256 * 1024 * 1024) {
        st.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  } else if (route === 'stall') {
    track(route, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
  } else if (route === 'hints') {
    res.writeEarlyHints({ link: '</style.css>; rel=preload', 'x-interim': '1' });
    res.writeHead(200, { 'content-type': 'application/json', 'x-final': '1' });
    res.end(EMPTY_PAGE);
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"detail":"no such raw route"}');
  }
});
await new Promise((resolve) => raw.listen(0, '127.0.0.1', resolve));

const PAGE_CHUNKED = `${EMPTY_PAGE.length.toString(16)}\r\n${EMPTY_PAGE}\r\n`;
const hostileAnswers = {
  bigblock: () =>
    `HTTP/1.1 200 OK\r\n${'x-filler: '.concat('f'.repeat(1000), '\r\n').repeat(300)}` +
    `content-type: application/json\r\ncontent-length: ${EMPTY_PAGE.length}\r\n\r\n${EMPTY_PAGE}`,
  bigline: () =>
    `HTTP/1.1 200 OK\r\nx-big: ${'b'.repeat(200 * 1000)}\r\n` +
    `content-type: application/json\r\ncontent-length: ${EMPTY_PAGE.length}\r\n\r\n${EMPTY_PAGE}`,
  folded: () =>
    'HTTP/1.1 200 OK\r\nx-folded: first\r\n \t second\r\n\tthird\r\nx-after: 1\r\n' +
    `content-type: application/json\r\ncontent-length: ${EMPTY_PAGE.length}\r\n\r\n${EMPTY_PAGE}`,
  leadfold: () =>
    'HTTP/1.1 200 OK\r\n x-hidden: 1\r\nx-after: 1\r\n' +
    `content-type: application/json\r\ncontent-length: ${EMPTY_PAGE.length}\r\n\r\n${EMPTY_PAGE}`,
  trailers: () =>
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n' +
    `trailer: x-ratelimit-reset, x-trailer\r\n\r\n${PAGE_CHUNKED}0\r\nx-trailer: late\r\nx-ratelimit-reset: 1\r\n\r\n`,
};
const hostileSockets = new Set();
const hostile = createTcpServer((socket) => {
  hostileSockets.add(socket);
  socket.on('close', () => hostileSockets.delete(socket));
  let head = '';
  socket.on('error', () => {});
  socket.on('data', (d) => {
    head += d.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    const route = /^GET \/v2\/orgs\/([a-z]+)\/access-tokens/.exec(head)?.[1];
    head = '';
    if (route === 'stall') return; // read, never answered
    const answer = hostileAnswers[route];
    socket.end(answer ? answer() : 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });
});
await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));

const proxied = [];
const proxy = createServer((req, res) => {
  proxied.push(`${req.method} ${req.url}`);
  res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' });
  res.end('the e2e proxy forwards nothing');
});
proxy.on('connect', (req, socket) => {
  proxied.push(`CONNECT ${req.url}`);
  socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));

async function control(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return 'error: not JSON';
  }
  try {
    switch (msg.op) {
      case 'faults':
        sb.faults(msg.spec);
        return 'ok';
      case 'requests':
        return sb.requests.map(logEntry).join('|');
      case 'reset':
        sb.resetRequests();
        sb.clearFaults();
        fixedMs = null;
        offsetMs = 0;
        proxied.length = 0;
        return 'ok';
      case 'proxied':
        return proxied.join('|');
      case 'advance':
        if (fixedMs === null) offsetMs += msg.seconds * 1000;
        else fixedMs += msg.seconds * 1000;
        return 'ok';
      case 'freeze':
        fixedMs = msg.unix * 1000;
        return 'ok';
      case 'closed': {
        const st = rawAnswers.get(msg.route);
        return st ? `closed ${await st.closed}` : `error: ${msg.route} was not asked`;
      }
      default:
        return `error: unknown op ${JSON.stringify(msg.op)}`;
    }
  } catch (e) {
    return `error: ${String(e.message).replace(/\n/g, ' ')}`;
  }
}

/**
 * The same sandbox over HTTPS, twice, each with a fresh self-signed certificate (openssl): one
 * for 127.0.0.1 (DH_E2E_TLS_URL, its certificate DH_E2E_TLS_CA) and one whose name is
 * 127.0.0.2 although it listens on 127.0.0.1 (DH_E2E_TLS_WRONG_URL, DH_E2E_TLS_WRONG_CA).
 */
async function tlsServers(env) {
  const dir = mkdtempSync(join(tmpdir(), 'dh-e2e-tls-'));
  const servers = [];
  for (const [name, ip] of [
    ['TLS', '127.0.0.1'],
    ['TLS_WRONG', '127.0.0.2'],
  ]) {
    const key = join(dir, `${name}.key`),
      cert = join(dir, `${name}.pem`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=dockerhub-oat e2e',
        '-addext',
        `subjectAltName=IP:${ip}`,
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (req, res) => void sb.handler.handle(req, res),
    ); // handle() answers its own failures
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    env[`DH_E2E_${name}_URL`] = `https://127.0.0.1:${server.address().port}`;
    env[`DH_E2E_${name}_CA`] = cert;
  }
  return async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
const tlsEnv = {};
const closeTls = tls ? await tlsServers(tlsEnv) : async () => {};

const wrap = (process.env.DH_E2E_WRAP ?? '').split(' ').filter(Boolean);
const cmd = [...wrap, ...args];
const child = spawn(cmd[0], cmd.slice(1), {
  stdio: ['ignore', checkExample || expectLine !== null ? 'pipe' : 'inherit', 'inherit', 'pipe'],
  env: {
    ...process.env,
    DOCKERHUB_BASE_URL: sb.url,
    DOCKERHUB_IDENTIFIER: 'acme-owner',
    DOCKERHUB_SECRET: 'sandbox-password',
    DOCKERHUB_ORG: 'acme',
    ...tlsEnv,
    DH_E2E_RAW_URL: `http://127.0.0.1:${raw.address().port}`,
    DH_E2E_HOSTILE_URL: `http://127.0.0.1:${hostile.address().port}`,
    DH_E2E_PROXY_URL: `http://127.0.0.1:${proxy.address().port}`,
    // libcurl honours the proxy variables; the sandbox is on loopback, never behind one.
    no_proxy: '127.0.0.1,localhost',
    NO_PROXY: '127.0.0.1,localhost',
  },
});
// ctest's timeout ends this process: the program under test goes with it, and so does the sandbox.
for (const sig of ['SIGTERM', 'SIGINT'])
  process.on(sig, () => {
    child.kill('SIGKILL');
    process.exit(1);
  });
const ctl = child.stdio[3];
// One request at a time (the program waits for each answer), answered in order.
let answering = Promise.resolve();
createInterface({ input: ctl }).on('line', (line) => {
  answering = answering.then(async () => ctl.write(`${await control(line)}\n`));
});
let out = '';
if (checkExample || expectLine !== null)
  child.stdout.on('data', (d) => {
    out += d;
  });

const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(sig ? 128 : c)));
await closeTls();
raw.closeAllConnections();
await new Promise((resolve) => raw.close(resolve));
proxy.closeAllConnections();
await new Promise((resolve) => proxy.close(resolve));
await new Promise((resolve) => {
  hostile.close(resolve);
  for (const s of hostileSockets) s.destroy();
});
await sb.close();

if (expectLine !== null) {
  process.stdout.write(out);
  const has = out.split('\n').includes(expectLine);
  if (!has) process.stderr.write(`e2e_sandbox: the program printed no line "${expectLine}"\n`);
  process.exit(code || (has ? 0 : 1));
}
if (checkExample) {
  process.stdout.write(out);
  process.exit(code || exampleProblems(out));
}
process.exit(code ?? 1);

/** The example must have done each step, and printed no secret nor any 8-character run of one. */
function exampleProblems(text) {
  const problems = [];
  for (const want of [
    /^listed \d+ tokens?/m,
    /^created /m,
    /^rotated /m,
    /^deleted /m,
    /secret of \d+ characters/,
  ]) {
    if (!want.test(text)) problems.push(`no line like ${want}`);
  }
  const c = sb.credentials;
  const secrets = [
    'sandbox-password',
    ...c.users.flatMap((u) => u.pats),
    ...c.tokens.map((t) => t.secret),
  ];
  for (const s of secrets) {
    for (let i = 0; i + 8 <= s.length; i++) {
      if (text.includes(s.slice(i, i + 8))) {
        problems.push('a run of a seeded secret was printed');
        break;
      }
    }
  }
  if (/dckr_oat_|dckr_pat_|eyJ[A-Za-z0-9_-]{8}/.test(text))
    problems.push('a token, PAT or JWT was printed');
  for (const p of problems) process.stderr.write(`example: ${p}\n`);
  return problems.length ? 1 : 0;
}
