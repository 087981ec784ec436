// Rule: a hostile server's text (labels, error messages, error fields) with ESC, CR, OSC 52 and C1
// controls never reaches the terminal raw on the CLI's failure paths either: the failure lines of
// prune --yes, apply and rotate, the fields under an error line, export's duplicate-label warning,
// and --json output (DEL, the C1 range and U+2028/9 escaped too); and no run of the password or the
// JWT reaches stdout or stderr. (server-text-escaped-in-every-command.test.js walks the main paths.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cli } from '../fixtures/cli-child.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const EVIL =
  '\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2K\r\u009b31m\u009d52;c;eA==\u009c\u007f\u2028';

test('no command puts a control character of the server on the terminal, --json included', async () => {
  const a = tokenJson({
    id: 'a7f1c0de-0000-4000-8000-00000000000a',
    label: `ok${EVIL}end`,
    description: EVIL,
    is_active: false,
    last_used_at: null,
  });
  const b = tokenJson({
    id: 'a7f1c0de-0000-4000-8000-00000000000b',
    label: `ok${EVIL}end`,
    is_active: false,
  });
  const refusal = {
    message: `refused${EVIL}`,
    fields: { [`label${EVIL}`]: [`bad${EVIL}`], resources: [`also${EVIL}`] },
  };
  const srv = await startRawServer((req, sock) => {
    const u = new URL(req.path, 'http://x');
    if (req.method === 'GET' && u.pathname.endsWith('/access-tokens'))
      return respond(sock, req, 200, {
        body: { total: 2, next: null, previous: null, results: [a, b] },
      });
    if (req.method === 'GET')
      return respond(sock, req, 200, { body: u.pathname.endsWith('b') ? b : a });
    return respond(sock, req, 400, { body: refusal });
  });
  const dir = mkdtempSync(join(tmpdir(), 'attack2-cli-'));
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: {
        fresh: {
          resources: { repositories: { 'acme/api': ['image-pull'] } },
          secret: { out: 'fresh.secret' },
        },
      },
    }),
  );
  try {
    const runs = [
      ['prune', '--inactive', '--yes'],
      ['prune', '--inactive', '--yes', '--json'],
      ['apply', '-f', 'tokens.json', '--prune', '--yes'],
      ['apply', '-f', 'tokens.json', '--yes', '--json'],
      ['rotate', a.id],
      ['rotate', a.id, '--json'],
      ['update', a.id, '--description', 'x'],
      ['export'],
      ['list', '--json'],
      ['get', a.id, '--json'],
      ['audit', '--json'],
      ['plan', '-f', 'tokens.json', '--prune', '--json'],
      ['delete', a.id, '--yes'],
      ['delete', a.id, '--yes', '--json'],
    ];
    const seen = [];
    for (const args of runs) {
      const { out, code } = await cli(args, srv.url, dir);
      const at = out.search(CONTROL);
      if (at !== -1)
        seen.push(
          `${args.join(' ')} (exit ${code}): ${JSON.stringify(out.slice(Math.max(0, at - 30), at + 20))}`,
        );
    }
    assert.deepEqual(seen, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await srv.close();
  }
});

test("a label holding a replacement pattern ($', $&, $1) is printed as it is in a failure line", async () => {
  const { errorDoing } = await import('../../bindings/cli/output.js');
  const { DockerHubError } = await import('../../bindings/errors.js');
  const err = new DockerHubError('bad_request', 'refused', { status: 400 });
  for (const label of ["$'", '$&', '$1', '$`']) {
    assert.equal(
      errorDoing(err, `delete ${label} (x)`),
      `error: bad_request: could not delete ${label} (x): refused\n`,
    );
  }
});

test('no run of the password or the JWT reaches stdout or stderr of any command, --json included', async () => {
  const { findRun } = await import('../fixtures/hostile-secrets.js');
  const fc = (await import('fast-check')).default;
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 12, maxLength: 20 }),
      fc.nat(4),
      async (password, from) => {
        const jwt = `${b64({ alg: 'none' })}.${b64({ exp: 4102444800, sub: password.length })}.c2lnbmF0dXJl`;
        const bit = (s) => s.slice(from, from + 8);
        const said = `p${bit(password)}p j${bit(jwt.slice(40))}j`;
        const t = tokenJson({ is_active: false });
        const srv = await startRawServer((req, sock) => {
          const u = new URL(req.path, 'http://x');
          if (u.pathname === '/v2/auth/token')
            return respond(sock, req, 200, { body: { access_token: jwt } });
          if (req.method === 'GET' && u.pathname.endsWith('/access-tokens'))
            return respond(sock, req, 200, {
              body: { total: 1, next: null, previous: null, results: [t] },
            });
          if (req.method === 'GET' && u.pathname.endsWith(t.id))
            return respond(sock, req, 200, { body: t });
          respond(sock, req, 400, {
            headers: { 'X-Echo': said, [`X-${bit(password)}`]: '1' },
            body: {
              message: said,
              detail: said,
              text: said,
              errinfo: { said },
              fields: { [said]: [said] },
            },
          });
        });
        try {
          for (const args of [
            ['get', 'missing'],
            ['get', 'missing', '--json'],
            ['delete', t.id, '--yes'],
            ['delete', t.id, '--yes', '--json'],
            ['prune', '--inactive', '--yes'],
            ['update', t.id, '--description', 'x', '--json'],
            ['rotate', t.id],
          ]) {
            const child = spawn(process.execPath, [CLI, ...args, '--identifier', 'owner'], {
              env: {
                PATH: process.env.PATH,
                DOCKERHUB_BASE_URL: srv.url,
                DOCKERHUB_ORG: 'acme',
                DOCKERHUB_SECRET: password,
              },
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let out = '';
            child.stdout.on('data', (d) => (out += d));
            child.stderr.on('data', (d) => (out += d));
            const code = await new Promise((resolve) => child.on('close', resolve));
            assert.equal(code, 1, `${args.join(' ')}: ${out}`);
            assert.equal(findRun(out, [password, jwt]), null, `${args.join(' ')}: ${out}`);
          }
        } finally {
          await srv.close();
        }
      },
    ),
    { numRuns: 3 },
  );
});
