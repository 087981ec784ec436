// A hand-over command that looks where any command run as you can: its parent's (the CLI's)
// /proc/<ppid>/environ. It reads its stdin (the secret), then writes to OUT whether the parent's
// environment holds NEEDLE: "found" or "absent".
//   node parent-environ-probe.js OUT NEEDLE
import { readFileSync, writeFileSync } from 'node:fs';

const [out, needle] = process.argv.slice(2);
for await (const _ of process.stdin) {
  /* the secret: not kept */
}
const environ = readFileSync(`/proc/${process.ppid}/environ`, 'latin1');
writeFileSync(
  out,
  environ.split('\0').some((kv) => kv.endsWith(`=${needle}`)) ? 'found' : 'absent',
);
