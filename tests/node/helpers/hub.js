// The one sandbox fixture of the Node suites (openWorld: a sandbox with every client made against
// it tracked and closed), the one "must reject" helper (rejectionOf, rejectsWith), and polling
// without sleeps (until). A server that misbehaves on purpose is tests/node/helpers/hostile-server.js.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../../web/sandbox/index.js';
import { createClient, DockerHubError } from '../../../bindings/index.node.js';

export const ORG = 'acme';
export const OWNER = Object.freeze({ identifier: 'acme-owner', secret: 'sandbox-password' });
export const MEMBER = Object.freeze({ identifier: 'acme-member', secret: 'sandbox-password' });
export const OAT = /^dckr_oat_[A-Za-z0-9]{32}$/;
export const LIST_ROUTE = 'GET /v2/orgs/{name}/access-tokens';
export const CREATE_ROUTE = 'POST /v2/orgs/{name}/access-tokens';
export const ONE_ROUTE = (method) => `${method} /v2/orgs/{org_name}/access-tokens/{access_token_id}`;
export const SIGN_IN_ROUTE = 'POST /v2/auth/token';
export const PULL_API = Object.freeze({ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] });

/**
 * A sandbox plus a factory of clients against it; close() closes every client, then the sandbox.
 * @param {object} [sandboxOptions] startSandbox options (port is always 0)
 */
export async function openWorld(sandboxOptions = {}) {
  const sb = await startSandbox({ ...sandboxOptions, port: 0 });
  const clients = [];
  return {
    sb,
    /** A client on this sandbox, signed in as the owner unless `token`/`credentials` say otherwise. */
    async client(options = {}) {
      const opts = { baseUrl: sb.url, ...options };
      if (!('token' in opts) && !('credentials' in opts)) opts.credentials = OWNER;
      const hub = await createClient(opts);
      clients.push(hub);
      return hub;
    },
    /** Requests the sandbox saw for one route key (see LIST_ROUTE ...), 0 if none. */
    count(route) {
      return sb.counts[route] ?? 0;
    },
    /** Forgets faults and recorded requests, for a test that counts from zero. */
    reset() {
      sb.clearFaults();
      sb.resetRequests();
    },
    async close() {
      for (const hub of clients) hub.close();
      await sb.close();
    },
  };
}

/**
 * openWorld, with `hub`: a client signed in as the owner (closed with the world).
 * @param {object} [sandboxOptions]
 */
export async function openOwnerWorld(sandboxOptions) {
  const world = await openWorld(sandboxOptions);
  world.hub = await world.client();
  return world;
}

/**
 * The one "this must reject" of the Node suites: the error `promise` rejected with, or a failure
 * naming `what` and the value it resolved with instead.
 * @param {Promise<unknown>} promise
 * @param {string} [what] the call, for the failure message
 */
export async function rejectionOf(promise, what = 'the call') {
  let value;
  try {
    value = await promise;
  } catch (err) {
    return err;
  }
  return assert.fail(`${what}: expected a rejection, but it resolved with ${inspect(value, { depth: 1 }).slice(0, 200)}`);
}

/**
 * Asserts that `promise` rejects with a DockerHubError of `code`, and returns the error.
 * @param {Promise<unknown>} promise
 * @param {string} code
 */
export async function rejectsWith(promise, code) {
  const err = await rejectionOf(promise, `a rejection with code ${code}`);
  assert.ok(err instanceof DockerHubError, `expected a DockerHubError, got ${err?.stack ?? err}`);
  assert.ok(err instanceof Error, 'a DockerHubError is an Error');
  assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`);
  assert.equal(typeof err.status, 'number', 'every error has a numeric status');
  assert.equal(typeof err.message, 'string');
  return err;
}

/** Drains an async iterable into an array. */
export async function collect(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/**
 * Waits until pred() is true, checking on every turn of the event loop (setImmediate): no sleep,
 * no timer. Fails after `limitMs` of wall time so a broken test cannot hang.
 */
export async function until(pred, what = 'the condition', limitMs = 5000) {
  const start = performance.now();
  while (!pred()) {
    if (performance.now() - start > limitMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** How long `promise` took to settle (ms, from this call), and how it settled. */
export async function timed(promise) {
  const start = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/** A list page body as the sandbox would send it, for fault bodies. */
export function pageBody({ total, next = null, previous = null, results }) {
  return { total, next, previous, results };
}

/** `${sb.url}/v2/orgs/<org>/access-tokens?page=<page>&page_size=<size>` */
export function listUrl(base, org, page, pageSize) {
  return `${base}/v2/orgs/${org}/access-tokens?page=${page}&page_size=${pageSize}`;
}
