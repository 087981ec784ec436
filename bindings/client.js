// createClient and the operations: checks the JS types, starts one C call through the boundary
// (bindings/boundary.js: the heap strings, the _dhw_ calls, the envelope an answer crosses in),
// and resolves a Promise with that answer, read in #resolve below.
// Host-agnostic: the entries (index.node.js, index.web.js) say how to find the .wasm.
// Rotation, audit and tokens as code are imported on first use (import()), the audit's and the
// plan's C with them (bindings/tools/tools.js): a bundler makes them chunks of their own, and an app
// that only calls the operations never loads them.

import { parseHeaders, parseRateLimit, toError } from './answer.js';
import { cancelCall, freeClient, newClient, nextPage, redact, startCall } from './boundary.js';
import {
  checkBody,
  checkClientOptions,
  checkName,
  checkOptions,
  checkSignal,
  MAX_TIMEOUT_MS,
} from './checks.js';
import { DockerHubError, invalidArgument, scrubSecrets } from './errors.js';
import { instance } from './module.js';
import { findAccessToken } from './find.js';
import { inJsWords } from './words.js';

/**
 * @param {object} [options] see index.d.ts
 * @param {object} host how this entry finds the .wasm
 */
export async function createClient(options = {}, host) {
  const { baseUrl, token, credentials, timeoutMs, maxRetries, maxResponseBytes } =
    checkClientOptions(options);

  const inst = await instance(options.wasm, host, timeoutMs);
  const { Module } = inst;
  const made = newClient(Module, {
    baseUrl,
    token: typeof token === 'string' ? token : null,
    identifier: credentials?.identifier,
    secret: credentials?.secret,
    tokenFunction: typeof token === 'function',
    timeoutMs,
    maxRetries,
    maxResponseBytes,
  });
  if (made.error) throw invalidArgument(`createClient: ${inJsWords(made.error)}`);
  const { ptr } = made;
  const id = inst.nextId++;
  inst.clients.set(id, { ptr, tokenFn: typeof token === 'function' ? token : null });
  inst.byPtr.set(ptr, id);
  return new Client(inst, id, ptr, { options, host, baseUrl });
}

/** The base URL without a user name, password, query or fragment: what an error may name. */
function serverName(baseUrl) {
  const u = new URL(baseUrl);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/** The WASM instance a client calls (its Module, its pending calls), for the heap probes of the
 * tests and the benchmark (tests/fixtures/heap.js): not a member of Client, whose members are
 * index.d.ts's. */
const instances = new WeakMap();
export const instanceOf = (client) => instances.get(client);

let scrubWith; // (client, err, secrets) => err: set by Client's static block, so it reads #inst

class Client {
  #inst;
  #id;
  #ptr; // 0 once closed
  #rateLimit = null;
  #origin; // { options, host }: what verifyAccessToken makes its own client from
  #where; // the server, as a network error names it

  constructor(inst, id, ptr, origin) {
    this.#inst = inst;
    instances.set(this, inst);
    this.#id = id;
    this.#ptr = ptr;
    this.#origin = origin;
    this.#where = serverName(origin.baseUrl);
  }

  /** The X-RateLimit-* figures of the last response that carried them, else null. */
  get rateLimit() {
    return this.#rateLimit;
  }

  /** Frees the C client (its secrets zeroed); calls in flight and later calls reject with
   * code 'closed'; a token function's late answer goes nowhere. */
  close() {
    if (!this.#ptr) return;
    const ptr = this.#ptr;
    this.#ptr = 0;
    this.#inst.clients.delete(this.#id);
    this.#inst.byPtr.delete(ptr);
    freeClient(this.#inst.Module, ptr); // with the prints of the tokens it made (src/core/redact.c)
  }

  async listAccessTokens(org, options) {
    return (await this.listAccessTokensWithHttpInfo(org, options)).data;
  }

  async listAccessTokensWithHttpInfo(org, options) {
    checkName(org, 'org');
    const {
      page = 1,
      pageSize = 10,
      signal,
    } = checkOptions(options, ['page', 'pageSize', 'signal'], 'options');
    if (!Number.isInteger(page) || page < 1 || page > MAX_TIMEOUT_MS)
      throw invalidArgument('page must be a whole number of at least 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      throw invalidArgument('pageSize must be a whole number from 1 to 100');
    return this.#call(signal, 'list', org, page, pageSize);
  }

  /**
   * Every token, page after page. The C core fetches the pages (to the configured baseUrl only,
   * the page number read from `next`) and stops on a null next, an empty page, a page seen
   * before, or after ceil(total / n) pages (n: pageSize, or the first page's length if the server capped it). A page is fetched only once the consumer has
   * taken every item of the one before and asks for more; timeoutMs bounds each page's fetch.
   * Leaving the loop early stops it.
   */
  async *listAllAccessTokens(org, options) {
    checkName(org, 'org');
    const { pageSize = 100, signal } = checkOptions(options, ['pageSize', 'signal'], 'options');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      throw invalidArgument('pageSize must be a whole number from 1 to 100');
    let page = null; // an answer not yet handed over; the last word wins (an abort's)
    let wake = null;
    // A list that shifts while it is read (a token created meanwhile) repeats an item on the next
    // page: each token is given once, so an audit or a plan does not count it twice.
    const given = new Set();
    const handle = this.#start(
      signal,
      (answer) => {
        page = answer;
        wake?.();
      },
      'listAll',
      org,
      pageSize,
    );
    try {
      for (;;) {
        while (!page) await new Promise((resolve) => (wake = resolve));
        const answer = page;
        page = null;
        const { data } = this.#resolve(answer);
        for (const t of data.results) {
          if (given.has(t.id)) continue;
          given.add(t.id);
          yield t;
        }
        if (!answer.more) return;
        if (page) continue; // delivered while the consumer held the page: aborted or closed
        // The consumer wants more: only now is the next page asked for.
        if (!this.#ptr) throw new DockerHubError('closed', 'the client was closed');
        nextPage(this.#inst.Module, this.#ptr, handle.callId);
      }
    } finally {
      handle.done();
    }
  }

  /**
   * Signs in as the organization with an access token's secret (POST /v2/auth/token), through a
   * client of its own on the same base URL, and says whether Docker Hub took it. The sign-in is
   * made by that client's first call, a read of `probeId` (a JWT from an OAT may not manage
   * tokens, so Docker Hub answers it 403): a 401 means the secret was refused.
   * @returns {Promise<boolean>}
   */
  async verifyAccessToken(org, secret, probeId, options) {
    checkName(org, 'org');
    checkName(probeId, 'probeId');
    if (typeof secret !== 'string' || secret === '')
      throw invalidArgument('secret must be a non-empty string');
    const { signal } = checkOptions(options, ['signal'], 'options');
    if (!this.#ptr) throw new DockerHubError('closed', 'the client was closed');
    const { options: made, host } = this.#origin;
    const probe = await createClient(
      {
        baseUrl: made.baseUrl,
        timeoutMs: made.timeoutMs,
        maxRetries: made.maxRetries,
        maxResponseBytes: made.maxResponseBytes,
        wasm: made.wasm,
        credentials: { identifier: org, secret },
      },
      host,
    );
    try {
      await probe.getAccessToken(org, probeId, signal ? { signal } : undefined);
      return true;
    } catch (err) {
      if (err instanceof DockerHubError && err.status === 403) return true;
      if (err instanceof DockerHubError && err.status === 401) return false;
      throw err;
    } finally {
      probe.close();
    }
  }

  /** A token by its label: see find.js. */
  findAccessToken(org, label, options) {
    return findAccessToken(this, org, label, options);
  }

  /** Rotates a token: see rotate.js. */
  async rotateAccessToken(org, id, options) {
    const { rotateAccessToken } = await import('./tools/rotate.js');
    return rotateAccessToken(this, org, id, options);
  }

  /** Tokens as code: see plan.js. */
  async planAccessTokens(org, manifest, options) {
    const [{ planAccessTokens }, tools] = await Promise.all([
      import('./tools/plan.js'),
      this.#tools(),
    ]);
    return planAccessTokens(this, tools, org, manifest, options);
  }

  async applyAccessTokens(org, plan, options) {
    const { applyAccessTokens } = await import('./tools/plan.js');
    return applyAccessTokens(this, org, plan, options);
  }

  /** Audits the org's tokens: see audit.js. */
  async auditAccessTokens(org, options) {
    const [{ auditAccessTokens }, tools] = await Promise.all([
      import('./tools/audit.js'),
      this.#tools(),
    ]);
    return auditAccessTokens(this, tools, org, options);
  }

  /** The tools module of this client's entry (bindings/tools/tools.js), loaded on first use. */
  async #tools() {
    const { tools } = await import('./tools/tools.js');
    return tools(this.#inst.host);
  }

  async createAccessToken(org, body, options) {
    return (await this.createAccessTokenWithHttpInfo(org, body, options)).data;
  }

  async createAccessTokenWithHttpInfo(org, body, options) {
    checkName(org, 'org');
    const json = checkBody(body, 'the create request');
    const { signal } = checkOptions(options, ['signal'], 'options');
    // The core remembers the new token's secret (as prints only, src/core/redact.c): a later error
    // that echoes it is redacted like the client's own secrets.
    return this.#call(signal, 'create', org, json);
  }

  async getAccessToken(org, id, options) {
    return (await this.getAccessTokenWithHttpInfo(org, id, options)).data;
  }

  async getAccessTokenWithHttpInfo(org, tokenId, options) {
    checkName(org, 'org');
    checkName(tokenId, 'id');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, 'get', org, tokenId);
  }

  async updateAccessToken(org, id, body, options) {
    return (await this.updateAccessTokenWithHttpInfo(org, id, body, options)).data;
  }

  async updateAccessTokenWithHttpInfo(org, tokenId, body, options) {
    checkName(org, 'org');
    checkName(tokenId, 'id');
    const json = checkBody(body, 'the update request');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, 'update', org, tokenId, json);
  }

  async deleteAccessToken(org, id, options) {
    await this.deleteAccessTokenWithHttpInfo(org, id, options);
  }

  async deleteAccessTokenWithHttpInfo(org, tokenId, options) {
    checkName(org, 'org');
    checkName(tokenId, 'id');
    const { signal } = checkOptions(options, ['signal'], 'options');
    return this.#call(signal, 'delete', org, tokenId);
  }

  /** Runs one C operation (`op` of bindings/boundary.js) and settles with { data, status,
   * headers } or a DockerHubError. */
  async #call(signal, op, ...args) {
    let handle;
    const answer = await new Promise((resolve) => {
      handle = this.#start(signal, resolve, op, ...args);
    });
    handle.done();
    return this.#resolve(answer);
  }

  /**
   * Starts a C operation whose answers go to onAnswer(answer); an abort of `signal` cancels it in
   * C (which delivers 'aborted' at once and stops the request). Returns { done() } to call when
   * no more answers are wanted.
   */
  #start(signal, onAnswer, op, ...args) {
    checkSignal(signal);
    if (!this.#ptr) throw new DockerHubError('closed', 'the client was closed');
    const inst = this.#inst;
    const ptr = this.#ptr;
    const callId = inst.nextId++;
    // The client may be closed (its C memory freed) before the abort comes: check first.
    const onAbort = () => {
      if (this.#ptr === ptr && inst.pending.has(callId)) cancelCall(inst.Module, ptr, callId);
    };
    let open = true;
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      // Still under way (a list left early): cancel it unless the client is gone.
      if (open && inst.pending.has(callId) && this.#ptr === ptr)
        cancelCall(inst.Module, ptr, callId);
      inst.pending.delete(callId);
      open = false;
    };
    inst.pending.set(callId, onAnswer);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      startCall(inst.Module, op, ptr, callId, args);
    } catch (err) {
      done(); // a start that threw (out of memory) leaves no entry and no listener behind
      throw err;
    }
    return { done, callId };
  }

  /** An answer in the envelope of bindings/boundary.js to { data, status, headers }, or a thrown
   * DockerHubError. */
  #resolve(answer) {
    const { status, body } = answer;
    const headers = parseHeaders(answer.headers);
    const rateLimit = parseRateLimit(headers);
    if (rateLimit) this.#rateLimit = rateLimit;
    if (answer.error) throw toError({ ...answer, headers, where: this.#where });
    if (answer.alreadyDeleted) {
      // A retried DELETE found it gone: an earlier attempt, whose answer was lost, deleted it.
      return { data: undefined, status, headers, alreadyDeleted: true };
    }
    let data;
    if (body !== null) {
      try {
        data = JSON.parse(body); // checked by the C core already; JSON.parse builds the objects
      } catch {
        throw new DockerHubError('invalid_response', 'the response body is not valid JSON', {
          status,
          headers,
        });
      }
    }
    return { data, status, headers };
  }

  static {
    scrubWith = (client, err, secrets) => {
      // A wrapper made with Object.create(client) (a test's spy) scrubs with its client's module.
      let c = client;
      while (c !== null && typeof c === 'object' && !(#inst in c)) c = Object.getPrototypeOf(c);
      if (c === null || typeof c !== 'object')
        throw invalidArgument('client must be a client from createClient()');
      const { Module } = c.#inst;
      const ptr = c.#ptr || 0; // its own secrets too: a server's words in an error JS builds
      return scrubSecrets(err, (text) => redact(Module, text, secrets, ptr));
    };
  }
}

/**
 * `err` with every run of `secrets` (tokens `client` made: rotate.js, plan.js), and of the
 * client's own secrets and the tokens the core saw it make, redacted by the core's one redactor,
 * the rule of src/core/redact.c; `err` itself where it holds none.
 * @param {Client} client @param {unknown} err @param {string[]} secrets
 */
export function scrubFor(client, err, secrets) {
  return scrubWith(client, err, secrets);
}
