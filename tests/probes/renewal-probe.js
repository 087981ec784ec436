// Run as a child process: `node tests/probes/renewal-probe.js <sandbox url> <credentials|function>`.
// Makes two list calls with a client whose JWTs are short-lived (the parent's sandbox sets the
// lifetime) and prints one JSON line. It runs apart from the test process because a client that
// renews in a loop may never give the event loop back: the parent then kills this process
// instead of hanging with it.
import { createClient } from '../../bindings/index.node.js';

const [baseUrl, mode] = process.argv.slice(2);
const identity = { identifier: 'acme-owner', secret: 'sandbox-password' };
const report = { totals: [], tokenFunctionCalls: 0 };
let hub;
try {
  if (mode === 'function') {
    hub = await createClient({
      baseUrl,
      token: async () => {
        report.tokenFunctionCalls++;
        const res = await fetch(`${baseUrl}/v2/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(identity),
        });
        return (await res.json()).access_token;
      },
    });
  } else {
    hub = await createClient({ baseUrl, credentials: identity });
  }
  for (let i = 0; i < 2; i++) report.totals.push((await hub.listAccessTokens('acme')).total);
} catch (err) {
  report.error = { code: err?.code, message: err?.message };
} finally {
  hub?.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
