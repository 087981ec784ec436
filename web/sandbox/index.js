/**
 * A local Docker Hub sandbox for the OAT API: `startSandbox()` for tests and tools,
 * `createSandboxHandler()` for a server that mounts it under its own origin.
 * See README.md in this folder for the seeded world and every behaviour.
 */
import { createServer } from 'node:http';
import { createSandboxHandler, CONTROL_TOKEN_HEADER } from './server.js';
import { PRESETS } from './faults.js';
import { REPO_SCOPES, ORG_SCOPES } from './scopes.js';
import { RATE_LIMIT_STYLES } from './ratelimit.js';
import { isLoopbackHost, hostNamesFor, PROTECTED_HEADERS } from './guard.js';
import { listen } from './listen.js';

export {
  createSandboxHandler,
  PRESETS as FAULT_PRESETS,
  REPO_SCOPES,
  ORG_SCOPES,
  RATE_LIMIT_STYLES,
  PROTECTED_HEADERS,
  CONTROL_TOKEN_HEADER,
  isLoopbackHost,
};

/** The warning of a sandbox that others can reach. */
const exposedWarning = (host) =>
  `\n!!! WARNING: the Docker Hub sandbox is listening on ${host}, not on loopback.\n` +
  '!!! Anyone who can reach this address can log in with the seeded credentials and use its tokens.\n' +
  '!!! The /_sandbox control routes still answer on loopback only.\n\n';

/** One control request; the body is parsed from JSON (undefined when empty). */
async function controlRequest(url, method, headers, body) {
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Starts the sandbox on its own HTTP server.
 * @param {import('./server.js').SandboxOptions & { host?: string, port?: number }} [options]
 *   host defaults to 127.0.0.1; port 0 (the default) picks a free port.
 */
export async function startSandbox(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const h = createSandboxHandler({
    ...options,
    hostNames: [...(options.hostNames ?? []), ...hostNamesFor(host)],
  });
  const server = createServer((req, res) => void h.handle(req, res)); // handle() answers its own failures
  // Fault-injected stalls keep sockets open; keep-alive must not hold the process either.
  server.keepAliveTimeout = 1000;
  const { port, url } = await listen(server, options.port ?? 0, host);
  if (!isLoopbackHost(host)) process.stderr.write(exposedWarning(host));
  h.setOrigin(url);
  const controlHeaders = () => ({
    [CONTROL_TOKEN_HEADER]: h.controlToken,
    'content-type': 'application/json',
  });
  let closing = null;
  return {
    url,
    port,
    host,
    /** Adds one fault spec or an array of them (see faults.js). @returns {number} how many were added */
    faults: (spec) => h.faults.add(spec),
    clearFaults: () => h.faults.clear(),
    /** Pending faults, for debugging a test. */
    pendingFaults: () => h.faults.list(),
    /** Live array of { method, path, query } of every request (control routes excluded). */
    requests: h.requests,
    /** Live map "METHOD /route/{template}" -> count. */
    counts: h.counts,
    resetRequests: h.resetRequests,
    /** The per-start token of the /_sandbox control routes, sent as the X-Sandbox-Token header. */
    controlToken: h.controlToken,
    /** The headers of a control request: the token and the JSON content type. */
    controlHeaders,
    /**
     * One control request over HTTP, e.g. control('POST', '/_sandbox/faults', spec).
     * @returns {Promise<{ status: number, body: any }>} body parsed from JSON (undefined when empty)
     */
    control: (method, path, body) =>
      controlRequest(`${url}${path}`, method, controlHeaders(), body),
    /** A deep copy of the current world (users, orgs, tokens with hashes only). */
    get state() {
      return h.store.snapshot();
    },
    /** The seeded secrets (passwords, PATs, OAT values), known only when the world came from a seed. */
    credentials: h.credentials,
    /** Mints a JWT without a request: { kind: 'password'|'pat'|'oat', sub, org?, tokenId? }. */
    mintJwt: h.mintJwt,
    handler: h,
    server,
    close() {
      closing ??= new Promise((resolve) => {
        h.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
