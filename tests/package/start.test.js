// Start-up: the Node entry compiles and instantiates the wasm synchronously (host.syncCompile),
// and a wasm that cannot be instantiated still rejects createClient instead of leaving it pending
// (Emscripten's glue swallows an error thrown inside its instantiateWasm hook).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createClient } from '../../bindings/index.node.js';

// A valid module that imports env.dh_missing, which the glue does not provide.
const WRONG_IMPORTS = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x04,
  0x01,
  0x60,
  0x00,
  0x00, // type section: () -> ()
  0x02,
  0x12,
  0x01,
  0x03,
  0x65,
  0x6e,
  0x76,
  0x0a,
  ...new TextEncoder().encode('dh_missing'),
  0x00,
  0x00,
]);

test('a wasm whose imports do not link rejects createClient', { timeout: 30_000 }, async () => {
  assert.ok(WebAssembly.validate(WRONG_IMPORTS), 'the test module itself is valid');
  await assert.rejects(createClient({ token: 'x', wasm: WRONG_IMPORTS }), /Import #0/);
  await assert.rejects(
    createClient({ token: 'x', wasm: new WebAssembly.Module(WRONG_IMPORTS) }),
    /Import #0/,
  );
});

test('bytes that are not wasm reject createClient', { timeout: 30_000 }, async () => {
  await assert.rejects(
    createClient({ token: 'x', wasm: new Uint8Array([1, 2, 3, 4]) }),
    /magic|compil/i,
  );
});
