// The child of `create --exec` / `rotate --exec` in tests/cli/cli-audit.test.js. It reads its
// stdin (the secret), tells the test its pid through the READY fifo, waits on the GO fifo while
// the test reads /proc/<pid>/cmdline and environ, then writes what stdin held to OUT.
//   node exec-probe.js READY GO OUT
import { readFileSync, writeFileSync } from 'node:fs';

const [ready, go, out] = process.argv.slice(2);
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
writeFileSync(ready, String(process.pid));
readFileSync(go);
writeFileSync(out, Buffer.concat(chunks), { mode: 0o600 });
