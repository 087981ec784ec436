// Rule: the one redactor (src/core/redact.c, which the C core runs on every reply and JS calls through
// bindings/boundary.js) leaves no run of 8 bytes of a secret (a shorter secret: the whole of it)
// in the text it gives back. It is checked against a plain reference implementation of that rule,
// written here for reading, not speed: every window of every secret compared at every byte of the
// text. Generated secrets and texts share a small alphabet (ASCII in both cases, multibyte UTF-8,
// the marker's brackets) and texts are built from pieces of the secrets, so runs overlap, repeat,
// touch, change case and sit at character boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import createDockerHubOat from '../../dist/dockerhub_oat.mjs';
import { redact } from '../../bindings/boundary.js';

const RUN = 8;
const MARK = '[redacted]';
const ENC = new TextEncoder();
const DEC = new TextDecoder();

const Module = await createDockerHubOat({
  wasmBinary: readFileSync(new URL('../../dist/dockerhub_oat.wasm', import.meta.url)),
  locateFile: (p) => p,
  print() {},
  printErr() {},
});

const fold = (b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);
const same = (t, k, w, f) => w.every((b, i) => f(t[k + i]) === f(b));

/** The rule, plainly: which bytes of `text` lie in a run of a secret; then each stretch of such
 * bytes, widened to whole UTF-8 characters (stretches that touch joined), becomes one MARK. */
function reference(text, secrets) {
  const t = ENC.encode(text);
  const covered = new Uint8Array(t.length);
  const mark = (k, n) => covered.fill(1, k, k + n);
  for (const secret of secrets) {
    const s = ENC.encode(secret);
    if (s.length === 0) continue;
    if (s.length < RUN) {
      // A short secret counts whole, as it is or lowercased (a header name shows it lowercased).
      for (const v of [s, s.map(fold)])
        for (let k = 0; k + v.length <= t.length; k++)
          if (same(t, k, v, (b) => b)) mark(k, v.length);
      continue;
    }
    const pub = /^dckr_(pat|oat)_./s.test(secret) ? 9 : 0;
    for (let j = 0; j + RUN <= s.length; j++) {
      if (j + RUN <= pub) continue; // inside the public prefix alone
      const w = s.subarray(j, j + RUN);
      for (let k = 0; k + RUN <= t.length; k++) if (same(t, k, w, fold)) mark(k, RUN);
    }
  }
  const stretches = [];
  const cont = (k) => k < t.length && (t[k] & 0xc0) === 0x80;
  for (let k = 0; k < t.length; k++) {
    if (!covered[k]) continue;
    let b = k;
    let e = k;
    while (e < t.length && covered[e]) e++;
    k = e - 1;
    while (b > 0 && cont(b)) b--;
    while (cont(e)) e++;
    const last = stretches.at(-1);
    if (last && b <= last[1]) last[1] = Math.max(last[1], e);
    else stretches.push([b, e]);
  }
  if (!stretches.length) return text;
  let out = '';
  let done = 0;
  for (const [b, e] of stretches) {
    out += DEC.decode(t.subarray(done, b)) + MARK;
    done = e;
  }
  return out + DEC.decode(t.subarray(done));
}

const CHARS = ['a', 'b', 'A', 'B', 'z', 'Z', '0', '_', '.', '-', 'é', '€', '😀', '[', ']', ' '];
const charArb = fc.constantFrom(...CHARS);
const secretArb = fc.oneof(
  fc.array(charArb, { minLength: 1, maxLength: 24 }).map((a) => a.join('')),
  fc.array(charArb, { minLength: 0, maxLength: 20 }).map((a) => `dckr_oat_${a.join('')}`),
);
const flipCase = (s) =>
  [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

/** Texts made of noise and pieces of the secrets (any slice, maybe case-flipped), so that runs
 * overlap, repeat, touch and cut multibyte characters at the edges. */
function textArb(secrets) {
  const piece = fc.oneof(
    fc.array(charArb, { maxLength: 6 }).map((a) => a.join('')),
    fc
      .tuple(fc.constantFrom(...secrets), fc.nat(), fc.nat(), fc.boolean())
      .map(([s, i, n, flip]) => {
        const cps = [...s];
        const from = i % cps.length;
        const part = cps.slice(from, from + 1 + (n % cps.length)).join('');
        return flip ? flipCase(part) : part;
      }),
  );
  return fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
}

const caseArb = fc
  .array(secretArb, { minLength: 1, maxLength: 4 })
  .chain((secrets) => fc.tuple(fc.constant(secrets), textArb(secrets)));

test('the core redactor gives what the plain reading of the rule gives', () => {
  fc.assert(
    fc.property(caseArb, ([secrets, text]) => {
      assert.equal(
        redact(Module, text, secrets),
        reference(text, secrets),
        JSON.stringify({ secrets, text }),
      );
    }),
    { seed: 20261208, numRuns: 3000 },
  );
});

test('what the redactor gives back holds no run of a secret outside its markers', () => {
  fc.assert(
    fc.property(caseArb, ([secrets, text]) => {
      const pieces = redact(Module, text, secrets)
        .split(MARK)
        .map((p) => ENC.encode(p));
      for (const secret of secrets) {
        const s = ENC.encode(secret);
        const pub = /^dckr_(pat|oat)_./s.test(secret) ? 9 : 0;
        const runs = s.length < RUN ? [s] : [];
        for (let j = 0; j + RUN <= s.length; j++)
          if (j + RUN > pub) runs.push(s.subarray(j, j + RUN));
        for (const p of pieces)
          for (const r of runs)
            for (let k = 0; k + r.length <= p.length; k++) {
              assert.ok(
                !same(p, k, [...r], (b) => b),
                `a run of ${JSON.stringify(secret)} survived in ${JSON.stringify(text)}`,
              );
            }
      }
    }),
    { seed: 20261209, numRuns: 2000 },
  );
});

test('the edges of the rule, by hand: windows at both ends, the public prefix, a short secret', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
  assert.equal(redact(Module, 'eyJhbGci', [jwt]), MARK, 'the first window, alone');
  assert.equal(
    redact(Module, 'x.payload.sig', [jwt]),
    `x${MARK}`,
    'the last window, at the end of the text',
  );
  assert.equal(redact(Module, 'a dckr_oat_ prefix', ['dckr_oat_AbCdEfGhIj']), 'a dckr_oat_ prefix');
  assert.equal(
    redact(Module, 'kr_oat_A!', ['dckr_oat_AbCdEfGhIj']),
    `${MARK}!`,
    'a window that reaches past the prefix',
  );
  assert.equal(
    redact(Module, 'pin p1n P1N', ['p1n']),
    `pin ${MARK} P1N`,
    'a short secret: as it is, or lowercased',
  );
  assert.equal(redact(Module, 'X-PAYLOAD.SIG', [jwt]), `X-${MARK}`, 'a window in either case');
  assert.equal(
    redact(Module, 'é😀😀é', ['😀😀']),
    `é${MARK}é`,
    'an 8-byte secret of two 4-byte characters',
  );
  assert.equal(redact(Module, 'nothing', []), 'nothing');
});
