// Rule: the sandbox refuses a fault whose header value node:http cannot send (CR, LF, NUL, any other
// control character but tab, a character past U+00FF) when the fault is added, so every request a
// fault matches gets that fault, never "sandbox internal error" and a stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startSandbox } from '../../web/sandbox/index.js';

test('faults(): a header value node:http cannot send is refused when the fault is added; one taken is answered', async () => {
  const sb = await startSandbox({ port: 0, log: false });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.integer({ min: 0, max: 0x2030 }).map((c) => String.fromCharCode(c)),
          maxLength: 4,
        }),
        async (v) => {
          sb.clearFaults();
          let added = true;
          try {
            sb.faults({ path: '^/v2/attack$', status: 418, headers: { 'x-attack': `a${v}` } });
          } catch (err) {
            assert.match(err.message, /not a valid header/);
            added = false;
          }
          if (!added) return;
          const res = await fetch(`${sb.url}/v2/attack`);
          await res.arrayBuffer();
          assert.equal(
            res.status,
            418,
            `the fault with ${JSON.stringify(v)} was taken but not answered`,
          );
        },
      ),
      { numRuns: 60, examples: [['\u0001'], ['\u007f'], ['\u2028']] },
    );
  } finally {
    await sb.close();
  }
});
