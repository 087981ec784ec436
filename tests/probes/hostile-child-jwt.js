// Run by tests/security/hostile-server-answers-become-errors.test.js in a child process, because the failure it looks for can
// block the event loop for good: a client whose JWT expires within the renewal margin.
//   node tests/probes/hostile-child-jwt.js credentials|function
// Mode `credentials`: the sign-in answers a JWT that expired an hour ago.
// Mode `function`:    the token function returns such a JWT.
// Prints one JSON line { outcome: 'resolved'|'rejected', code, ms, signIns, apiRequests } and exits.
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';

const mode = process.argv[2];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const expired = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'acme-owner', exp: Math.floor(Date.now() / 1000) - 3600 })}.c2ln`;

const srv = await startRawServer((req, sock) => {
  if (req.path === '/v2/auth/token')
    return respond(sock, req, 200, { body: { access_token: expired } });
  respond(sock, req, 200, { body: tokenJson() });
});
const auth =
  mode === 'function'
    ? { token: () => expired }
    : { credentials: { identifier: 'acme-owner', secret: 'pw' } };
const hub = await createClient({ baseUrl: srv.url, timeoutMs: 1000, maxRetries: 0, ...auth });
const t0 = performance.now();
const result = {};
try {
  await hub.getAccessToken('acme', 'x');
  result.outcome = 'resolved';
} catch (err) {
  result.outcome = 'rejected';
  result.code = err.code;
}
result.ms = Math.round(performance.now() - t0);
result.signIns = srv.requests.filter((r) => r.path === '/v2/auth/token').length;
result.apiRequests = srv.requests.length - result.signIns;
process.stdout.write(`${JSON.stringify(result)}\n`);
hub.close();
await srv.close();
