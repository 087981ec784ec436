#!/usr/bin/env node
/**
 * The dashboard's server (`dockerhub-oat dashboard`, and `npm start` in the repository, which calls
 * the same runDashboard): serves the admin dashboard, the package's browser build, and either the
 * embedded Docker Hub sandbox or, with `--upstream`, a proxy of `/v2/` to the real Hub (Docker Hub
 * sends no CORS headers, so a page cannot call it directly).
 *
 *   dockerhub-oat dashboard [--port 8080] [--host 127.0.0.1] [--upstream https://hub.docker.com] [--quiet]
 *
 Its parts: server/static.js (the allow-list of files), server/proxy.js (the upstream proxy),
 * server/headers.js (the security headers), and from the sandbox guard.js (the Host and loopback
 * checks) and listen.js. Decisions:
 * - Only an allow-list of files is served, looked up by the whole path (see server/static.js).
 * - Every response, whatever its origin, carries the strict CSP, nosniff and no-referrer.
 * - The proxy forwards only `/v2/...` (origin-form request targets), only to the one upstream given at
 *   start (see server/proxy.js). The log has method, path and status only: never a query, a header
 *   or a body.
 * - The sandbox's `/_sandbox/` control routes are mounted only when the server listens on loopback
 *   (the sandbox also checks that each caller is on loopback, and wants its control token and JSON).
 * - Every request whose Host header does not name this server (a loopback name or the address it
 *   listens on, with its port) is refused with 403 before anything else: a page that reached us by
 *   DNS rebinding (evil.test -> 127.0.0.1) gets nothing.
 * - Our security headers always win: no upstream header and no sandbox fault can set or join them,
 *   and upstream CORS headers (`access-control-*`) are dropped (see PROTECTED_HEADERS in web/sandbox/guard.js).
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createSandboxHandler, isLoopbackHost } from './sandbox/index.js';
import { hostAllowed, hostNamesFor, HOST_REFUSED } from './sandbox/guard.js';
import { listen } from './sandbox/listen.js';
import { readArgs, logToStdout, closeOnSignal } from './sandbox/run.js';
import { CSP, setSecurityHeaders, sendText } from './server/headers.js';
import { buildRoutes, cleanPath, serveFile } from './server/static.js';
import { parseUpstream, proxy } from './server/proxy.js';

export { CSP, parseUpstream };

/** Origin-form only ("/path?query"): no absolute-form or authority-form targets, no "//host". */
function parseTarget(target) {
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://dashboard.invalid');
  } catch {
    return null;
  }
}

/**
 * The request handler: the Host check, then the sandbox or the proxy for /v2/, the sandbox's
 * control routes (on loopback only), and the allow-listed files.
 */
function createDispatch({ routes, hostNames, sandbox, upstream, loopback, log }) {
  const refuse = (req, res, status, text) => {
    req.resume();
    return sendText(res, status, text);
  };
  return (req, res) => {
    const started = performance.now();
    setSecurityHeaders(res);
    const target = req.url ?? '';
    const url = parseTarget(target);
    if (!url) return refuse(req, res, 400, 'Bad request target.\n');
    const path = url.pathname;
    if (log) {
      res.once('close', () =>
        log(
          `${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`,
        ),
      );
    }
    if (!hostAllowed(req, hostNames)) return refuse(req, res, 403, `${HOST_REFUSED}\n`);
    // A path that needed normalizing ("/a/../b", "%2e%2e") is refused rather than resolved.
    if (!cleanPath(target.split('?')[0], path)) return refuse(req, res, 400, 'Bad request path.\n');
    if (path.startsWith('/v2/'))
      return upstream ? proxy(req, res, upstream, path + url.search) : sandbox.handle(req, res);
    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
      return sandbox && loopback ? sandbox.handle(req, res) : refuse(req, res, 404, 'Not found.\n');
    }
    const route = routes.get(path);
    return route ? serveFile(req, res, route) : refuse(req, res, 404, 'Not found.\n');
  };
}

/** The warning of a server that others can reach. */
function exposedWarning(host, sandbox, upstream) {
  return (
    `\n!!! WARNING: the dashboard server is listening on ${host}, not on loopback.\n` +
    '!!! Anyone who can reach this address can use it' +
    (sandbox
      ? ', sign in to the sandbox with its seeded credentials and use its tokens.\n'
      : `, and it forwards their /v2/ requests to ${upstream.origin}.\n`) +
    '!!! Traffic is plain HTTP: passwords and tokens typed into the page cross the network unencrypted.\n' +
    (sandbox ? '!!! The /_sandbox control routes are switched off.\n' : '') +
    '\n'
  );
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
  const upstream = options.upstream ? parseUpstream(options.upstream) : null;
  const loopback = isLoopbackHost(host);
  const hostNames = hostNamesFor(host);
  const sandbox = upstream
    ? null
    : createSandboxHandler({ ...(options.sandbox ?? {}), hostNames, log: false });
  const log = typeof options.log === 'function' ? options.log : null;
  const warn = options.warn ?? ((text) => process.stderr.write(text));
  const server = http.createServer(
    createDispatch({ routes: buildRoutes(), hostNames, sandbox, upstream, loopback, log }),
  );
  server.keepAliveTimeout = 5000;
  const { port, url } = await listen(server, options.port ?? 8080, host);
  if (!loopback) warn(exposedWarning(host, sandbox, upstream));
  sandbox?.setOrigin(url);
  let closing = null;
  return {
    url,
    port,
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

const USAGE = `Usage: dockerhub-oat dashboard [options]    (in a clone of the repository: npm start -- [options])

Serves the admin dashboard on this machine and prints its URL. By default it runs on an embedded
local Docker Hub sandbox and prints how to sign in; --upstream manages a real organization.

  --port N          port to listen on (default 8080; 0 picks a free one)
  --host H          address to listen on (default 127.0.0.1; anything else is reachable by others)
  --upstream URL    forward /v2/ to this Docker Hub (e.g. https://hub.docker.com) instead of the sandbox
  --quiet           no request log
  -h, --help        this text
`;

/** The start banner: the URL, and how to sign in to the sandbox or what the proxy forwards. */
function banner(srv) {
  const lines = ['', `Docker Hub access tokens dashboard: ${srv.url}/`, ''];
  if (srv.sandbox) lines.push(...sandboxLines(srv));
  else {
    lines.push(
      `Proxying /v2/ to ${srv.upstream}: sign in with the username and the password or personal`,
    );
    lines.push(
      'access token of an owner of the organization. This server stores nothing and logs no secret.',
    );
    if (srv.upstream.startsWith('http:') && !isLoopbackHost(new URL(srv.upstream).hostname)) {
      lines.push(
        '',
        `!!! WARNING: ${srv.upstream} is plain HTTP: credentials and tokens would cross the network unencrypted.`,
      );
    }
  }
  lines.push('Ctrl-C stops.', '');
  return `${lines.join('\n')}\n`;
}

/** The embedded sandbox's users, organizations and control token. */
function sandboxLines(srv) {
  const c = srv.sandbox.credentials;
  const owner = c.users.find((u) => u.username === 'acme-owner');
  const lines = ['Backed by the local Docker Hub sandbox: nothing leaves this machine.'];
  if (owner && c.orgs.some((o) => o.name === 'acme')) {
    lines.push(
      'Sign in with',
      '  Organization              acme',
      `  Username                  ${owner.username}`,
      `  Password or access token  ${owner.password}`,
      '',
    );
  }
  lines.push('Sandbox users:');
  for (const u of c.users) {
    lines.push(
      `  ${u.username.padEnd(16)} password ${u.password ?? '(none)'}${u.pats.length ? `   PAT ${u.pats.join(', ')}` : ''}`,
    );
  }
  lines.push('Sandbox organizations:');
  for (const o of c.orgs)
    lines.push(`  ${o.name.padEnd(16)} ${o.plan} plan, owners ${o.owners.join(', ') || '-'}`);
  if (srv.host && isLoopbackHost(srv.host)) {
    lines.push(
      'Sandbox control (this machine only, JSON, header X-Sandbox-Token): POST /_sandbox/faults, GET /_sandbox/requests, GET /_sandbox/state.',
      `  Control token for this start: ${srv.controlToken}`,
    );
  }
  return lines;
}

/**
 * The dashboard's command line: starts the server, prints the banner, and runs until Ctrl-C.
 * @param {string[]} [argv] what followed `dashboard`
 */
export async function runDashboard(argv = process.argv.slice(2)) {
  const args = readArgs(
    'dashboard',
    {
      port: { type: 'string' },
      host: { type: 'string' },
      upstream: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    USAGE,
    argv,
  );
  if (args.port !== undefined && (!/^\d+$/.test(args.port) || Number(args.port) > 65535)) {
    process.stderr.write(
      `dashboard: --port needs an integer from 0 to 65535, got ${JSON.stringify(args.port)}\n`,
    );
    process.exit(2);
  }
  const port = args.port === undefined ? 8080 : Number(args.port);
  let srv;
  try {
    srv = await startServer({
      port,
      host: args.host ?? '127.0.0.1',
      upstream: args.upstream,
      log: args.quiet ? false : logToStdout,
    });
  } catch (e) {
    const msg =
      e.code === 'EADDRINUSE'
        ? `port ${port} is already in use; pick another with --port`
        : e.message;
    process.stderr.write(`dashboard: ${msg}\n`);
    process.exit(1);
  }
  process.stdout.write(banner(srv));
  closeOnSignal(srv);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runDashboard();
}
