// Rule: whatever a hostile server sends crosses the C/JS boundary as a DockerHubError or a success,
// never a SyntaxError and never a run of a secret: errinfo and fields that cJSON accepts and
// JSON.parse refuses (leading zeros, "1.", "-.5", raw control characters, white space below 0x20),
// any header lines (repeated Set-Cookie included), and a 2xx create whose body cannot be read
// (maybeCreated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import fc from 'fast-check';
import { createClient, DockerHubError } from '../../bindings/index.node.js';
import { startRawServer, respond, collectProcessFailures } from '../fixtures/hostile-server.js';
import { findRun } from '../fixtures/hostile-secrets.js';
import { heapInUse } from '../fixtures/heap.js';

const ID = 'a7f1c0de-0000-4000-8000-000000000001';
const PASSWORD = 'Hunter2Hunter2Hunter2';
const JWT =
  'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDAsInN1YiI6Im93bmVyIn0.c2lnbmF0dXJlc2lnbmF0dXJl';

/** A client signed in with PASSWORD against a server answering every other request with `next()`. */
async function hostile(next) {
  const srv = await startRawServer((req, sock) => {
    if (req.path === '/v2/auth/token')
      return respond(sock, req, 200, { body: { access_token: JWT } });
    const { status, body, headers } = next();
    respond(sock, req, status, { body, headers });
  });
  const hub = await createClient({
    baseUrl: srv.url,
    credentials: { identifier: 'owner', secret: PASSWORD },
    maxRetries: 0,
  });
  return {
    srv,
    hub,
    async close() {
      hub.close();
      await srv.close();
    },
  };
}

function strictParse(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Every view of an error a user could print. */
const views = (err) =>
  [
    err.message,
    String(err),
    JSON.stringify(err),
    util.inspect(err, { depth: null }),
    JSON.stringify(err.headers ?? {}),
    JSON.stringify(err.errinfo ?? null),
    JSON.stringify(err.fields ?? null),
  ].join('\n');

// Values cJSON reads and JSON.parse refuses, placed inside errinfo or fields.
const LAX = [
  '01',
  '-01',
  '1.',
  '-.5',
  '1.e3',
  '00',
  '"a\nb"',
  '"tab\there"',
  '"\u0001"',
  '["x\ry"]',
];

test('an errinfo or fields cJSON accepts but JSON.parse refuses is a DockerHubError, not a SyntaxError', async () => {
  const failures = collectProcessFailures();
  let body;
  const h = await hostile(() => ({ status: 400, body }));
  try {
    await h.hub.getAccessToken('acme', ID).catch(() => {}); // signed in; the heap settles
    const before = heapInUse(h.hub);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LAX),
        fc.constantFrom('errinfo', 'fields'),
        fc.constantFrom('', ' ', '\f', '\u000b'),
        async (value, key, pad) => {
          const inner = key === 'fields' ? `{"label":[${value}]}` : `{"a":${value}}`;
          body = `{"message":"refused",${pad}"${key}":${pad}${inner}}`;
          const err = await h.hub.getAccessToken('acme', ID).then(
            () => null,
            (e) => e,
          );
          assert.ok(err instanceof DockerHubError, `${JSON.stringify(body)} gave ${err}`);
          assert.equal(err.code, 'bad_request');
          const strict = strictParse(body);
          if (strict.ok) assert.deepEqual(err[key], strict.value[key]);
          else assert.ok(err[key] === undefined || typeof err[key] === 'object');
          assert.equal(findRun(views(err), [PASSWORD, JWT]), null);
        },
      ),
      { numRuns: 60 },
    );
    assert.equal(heapInUse(h.hub), before);
  } finally {
    await h.close();
    failures.stop();
  }
  assert.deepEqual(failures.seen, []);
});

test('errinfo and fields of any JSON shape come through as JSON.parse reads the body, secrets never', async () => {
  let body;
  const h = await hostile(() => ({ status: 422, body }));
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 4 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: PASSWORD.length - 8 }),
        async (errinfo, fields, leak, at) => {
          const holder = {
            errinfo: { v: errinfo, ...(leak ? { s: `x${PASSWORD.slice(at, at + 8)}x` } : {}) },
            fields: { f: fields },
          };
          body = `{"message":"m","errinfo":${JSON.stringify(holder.errinfo)},"fields":${JSON.stringify(holder.fields)}}`;
          const err = await h.hub.getAccessToken('acme', ID).then(
            () => null,
            (e) => e,
          );
          assert.ok(err instanceof DockerHubError);
          assert.equal(findRun(views(err), [PASSWORD, JWT]), null);
          if (leak) assert.equal(err.errinfo, undefined);
          else {
            assert.deepEqual(err.errinfo, JSON.parse(body).errinfo);
            assert.deepEqual(err.fields, JSON.parse(body).fields);
          }
        },
      ),
      { numRuns: 80 },
    );
  } finally {
    await h.close();
  }
});

// Header lines a raw server can send: any byte but CR, LF and NUL in a value (latin1 as undici reads
// it), names that are Object.prototype's, repeated names, hundreds of lines, and runs of secrets.
const NAME = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'x-ratelimit-limit',
    'X-A',
    'x-a',
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ-_09!#$%&*+.^`|~'), minLength: 1, maxLength: 12 }),
);
const VALUE_BYTE = fc
  .integer({ min: 0, max: 255 })
  .filter((b) => b !== 10 && b !== 13 && b !== 0 && (b >= 32 || b === 9) && b !== 127);
const VALUE = fc.oneof(
  fc.array(VALUE_BYTE, { maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.integer({ min: 0, max: PASSWORD.length - 8 }).map((at) => `a:${PASSWORD.slice(at, at + 9)}:b`),
  fc.integer({ min: 0, max: JWT.length - 8 }).map((at) => `Bearer x${JWT.slice(at, at + 8)}`),
);

test('any header lines a server sends become headers with no run of a secret, on success and on error', async () => {
  const failures = collectProcessFailures();
  let next;
  const h = await hostile(() => next);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(NAME, VALUE), { maxLength: 30 }),
        fc.constantFrom(200, 400, 503),
        fc.nat(300),
        async (pairs, status, extra) => {
          const lines = pairs.map(([n, v]) => `${n}: ${v}`);
          for (let i = 0; i < extra; i++) lines.push(`X-Many-${i}: ${i}`);
          const body =
            status === 200
              ? JSON.stringify({
                  id: ID,
                  label: 'l',
                  is_active: true,
                  created_at: '2026-01-01T00:00:00Z',
                  resources: [],
                })
              : '{"message":"no"}';
          lines.push(
            'Content-Type: application/json',
            `Content-Length: ${Buffer.byteLength(body)}`,
          );
          next = { status, body, headers: lines };
          let headers;
          try {
            headers = (await h.hub.getAccessTokenWithHttpInfo('acme', ID)).headers;
            assert.equal(status, 200);
          } catch (err) {
            assert.ok(err instanceof DockerHubError, String(err));
            headers = err.headers;
            assert.equal(findRun(views(err), [PASSWORD, JWT]), null);
          }
          assert.equal(Object.getPrototypeOf(headers), Object.prototype);
          assert.equal(findRun(JSON.stringify(headers), [PASSWORD, JWT]), null);
          for (const [k, v] of Object.entries(headers)) {
            assert.ok(!/[\r\n\0]/.test(k + v), JSON.stringify([k, v]));
            assert.ok(!k.includes(':'), k);
          }
          if (extra) assert.equal(headers[`x-many-${extra - 1}`], String(extra - 1));
        },
      ),
      { numRuns: 60 },
    );
  } finally {
    await h.close();
    failures.stop();
  }
  assert.deepEqual(failures.seen, []);
});

// A create Docker Hub answered with a 2xx did create the token, whatever its body: one that cannot
// be read (not JSON, no secret in it, too large) must say so (maybeCreated), or the caller creates
// it again and the first token lives on, its secret known to no one.
test('a create answered 2xx with a body that cannot be read rejects with maybeCreated', async () => {
  let body;
  const h = await hostile(() => ({ status: 201, body }));
  const small = await createClient({
    baseUrl: h.srv.url,
    token: JWT,
    maxRetries: 0,
    maxResponseBytes: 64,
  });
  const request = {
    label: 'ci',
    resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
  };
  try {
    for (const [hub, b] of [
      [h.hub, 'not json'],
      [
        h.hub,
        JSON.stringify({
          id: ID,
          label: 'ci',
          is_active: true,
          created_at: '2026-01-01T00:00:00Z',
          resources: [],
        }),
      ],
      [
        small,
        JSON.stringify({
          id: ID,
          label: 'ci',
          padding: 'x'.repeat(200),
          token: 'dckr_oat_abcdefghijklmnopqrstuvwxyz',
        }),
      ],
    ]) {
      body = b;
      const err = await hub.createAccessToken('acme', request).then(
        () => null,
        (e) => e,
      );
      assert.ok(err instanceof DockerHubError, String(err));
      assert.equal(err.code, 'invalid_response');
      assert.equal(err.maybeCreated, true, `${b.slice(0, 30)}: ${err.message}`);
    }
  } finally {
    small.close();
    await h.close();
  }
});

// Set-Cookie reaches the core one value a line, each clean, and #resolve joins them with ", ": a
// password holding ", " could be spelt across the join. The core looks at the joined text too.
test('a run of the password spelt across repeated Set-Cookie lines never reaches err.headers', async () => {
  const password = 'abc123, xyz789!, q';
  const srv = await startRawServer((req, sock) => {
    if (req.path === '/v2/auth/token')
      return respond(sock, req, 200, { body: { access_token: JWT } });
    respond(sock, req, 400, {
      headers: [
        'Content-Type: application/json',
        'Content-Length: 2',
        'Set-Cookie: a=abc123',
        'Set-Cookie: xyz789!',
        'Set-Cookie: q',
        'Set-Cookie: z=1',
      ],
      body: '{}',
    });
  });
  const hub = await createClient({
    baseUrl: srv.url,
    credentials: { identifier: 'owner', secret: password },
    maxRetries: 0,
  });
  try {
    const err = await hub.getAccessToken('acme', ID).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof DockerHubError);
    assert.equal(findRun(views(err), [password, JWT]), null, JSON.stringify(err.headers));
    assert.equal(err.headers['content-type'], 'application/json');
  } finally {
    hub.close();
    await srv.close();
  }
});
