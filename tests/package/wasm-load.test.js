// Loading and compiling the wasm: whatever goes wrong (bytes that are not wasm, another module,
// a URL that answers 404 or nothing, a host or bundle that did not ship the package's own file),
// createClient rejects with a DockerHubError that says what to pass, never hangs and never
// throws a bare TypeError; and a failure is not cached: the next call with a good wasm works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { createClient as createNode, DockerHubError } from '../../bindings/index.node.js';
import { createClient as createInline } from '../../bindings/index.inline.js';
import { heapInUse } from '../fixtures/heap.js';

const WASM = await readFile(new URL('../../dist/dockerhub_oat.wasm', import.meta.url));
let server;
let base;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok.wasm')
      return res.writeHead(200, { 'content-type': 'application/wasm' }).end(WASM);
    if (req.url === '/stall.wasm')
      return res
        .writeHead(200, { 'content-type': 'application/wasm' })
        .write(WASM.subarray(0, 100));
    if (req.url === '/html.wasm')
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not here</html>');
    return res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(
  () =>
    new Promise((r) => {
      server.close(r);
      server.closeAllConnections();
    }),
);

async function refused(options, create = createNode) {
  const err = await create(options).then(
    (hub) => {
      hub.close();
      return null;
    },
    (e) => e,
  );
  assert.ok(err instanceof DockerHubError, `not a DockerHubError: ${err}`);
  assert.equal(err.code, 'invalid_argument');
  assert.match(
    err.message,
    /Pass `wasm`: a WebAssembly\.Module .*, else the bytes of dockerhub_oat\.wasm or the URL it is served at/,
  );
  return err;
}

test('bytes that are not wasm, and any truncation of the real module', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
      const err = await refused({ wasm: bytes });
      assert.match(err.message, /the wasm option \(/);
    }),
    { numRuns: 30 },
  );
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: WASM.length - 1 }), async (n) => {
      await refused({ wasm: WASM.subarray(0, n) });
    }),
    { numRuns: 15 },
  );
});

test("a compiled module that is not this package's", async () => {
  const other = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  const err = await refused({ wasm: other });
  assert.match(err.message, /not this version's dockerhub_oat\.wasm/);
});

test('a URL that answers 404, answers HTML, or is not listening', async () => {
  assert.match((await refused({ wasm: `${base}/missing.wasm` })).message, /HTTP 404/);
  await refused({ wasm: new URL(`${base}/html.wasm`) });
  await refused({ wasm: 'http://127.0.0.1:1/dockerhub_oat.wasm' });
});

test('a URL that sends part of the module and then nothing: rejected once timeoutMs has passed, no hang', async () => {
  const err = await refused({ wasm: `${base}/stall.wasm`, timeoutMs: 300 });
  assert.match(err.message, /timeoutMs/);
});

test('a failure is not remembered: the same entry then works with a good wasm, from every source', async () => {
  await refused({ wasm: new Uint8Array(4) });
  for (const wasm of [WASM, new WebAssembly.Module(WASM), `${base}/ok.wasm`, undefined]) {
    const hub = await createNode({ wasm });
    assert.equal(typeof hub.listAccessTokens, 'function');
    hub.close();
  }
});

test('the inline entry needs no file and no fetch: its module is inside it', async () => {
  const hub = await createInline({});
  assert.ok(heapInUse(hub) >= 0);
  hub.close();
  await refused({ wasm: new Uint8Array([1, 2, 3]) }, createInline);
});
