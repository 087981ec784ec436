// Rule: the redactor JS calls (bindings/boundary.js redact, what rotate and apply scrub their errors
// with) counts every secret it is given, however many: an apply that created more tokens than
// any fixed cap, then failed with an error echoing the newest one, must not show 8 bytes of it.
// And a call leaves the heap as it found it (the secrets' copies and the answer freed), so many
// secrets cost nothing after the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import createDockerHubOat from '../../dist/dockerhub_oat.mjs';
import { heapInUse, redact } from '../../bindings/boundary.js';
import { findRun } from '../fixtures/hostile-secrets.js';

const Module = await createDockerHubOat({
  wasmBinary: readFileSync(new URL('../../dist/dockerhub_oat.wasm', import.meta.url)),
  locateFile: (p) => p,
  print() {},
  printErr() {},
});

/** n made-up created tokens, each with its own 27 random characters (seeded). */
function tokens(n, seed) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % alphabet.length;
  return Array.from(
    { length: n },
    () => `dckr_oat_${Array.from({ length: 27 }, () => alphabet[next()]).join('')}`,
  );
}

test('the last of 1,500 secrets, echoed in an error, is redacted like the first', () => {
  const secrets = tokens(1500, 7);
  for (const i of [0, 999, 1000, 1499]) {
    const out = redact(Module, `Docker Hub said: token ${secrets[i]} is taken`, secrets);
    assert.equal(findRun(out, [secrets[i]]), null, `secret #${i} survived: ${out}`);
    assert.match(out, /\[redacted\]/);
  }
});

test('whichever of many secrets a text echoes (a run of it, anywhere), none survives (property, seed 20261208)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2500 }),
      fc.nat(),
      fc.integer({ min: 0, max: 27 }),
      (n, pick, at) => {
        const secrets = tokens(n, n);
        const s = secrets[pick % n];
        const out = redact(
          Module,
          `x${s.slice(9 + Math.min(at, 19), 9 + Math.min(at, 19) + 8)}y`,
          secrets,
        );
        assert.equal(findRun(out, [s]), null, out);
      },
    ),
    { seed: 20261208, numRuns: 40 },
  );
});

test('redacting with many secrets leaves the heap as it found it', () => {
  const secrets = tokens(3000, 3);
  redact(Module, `warm ${secrets[5]}`, secrets); // the allocator's first growth is not a leak
  const before = heapInUse(Module);
  for (let i = 0; i < 20; i++) redact(Module, `echo ${secrets[i * 100]}`, secrets);
  assert.equal(heapInUse(Module), before);
});
