// The child of a hand-over in tests/security/handover-child-never-gets-the-admin-secret.test.js: writes what its stdin held and
// its environment to the file named by its argument.   node env-probe.js OUT
import { writeFileSync } from 'node:fs';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
writeFileSync(
  process.argv[2],
  JSON.stringify({ stdin: Buffer.concat(chunks).toString(), env: process.env }),
  { mode: 0o600 },
);
