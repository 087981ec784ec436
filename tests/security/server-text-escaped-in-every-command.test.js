// Rule: server text (a token's label or description, an error message) reaches the admin's terminal
// escaped through `list`, `get`, `audit` (table and markdown), `prune`, `plan --prune` and the error
// line: no terminal control sequence (ESC ] 52 that sets the clipboard, ESC [2K CR that rewrites the
// line, a C1 CSI) gets through raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { cli } from '../fixtures/cli-child.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const controlArb = fc
  .string({
    unit: fc.constantFrom(
      '\u001b',
      '\u0007',
      '\r',
      '\u009b',
      '\u0000',
      '\u007f',
      ']52;c;',
      '[2K',
      'x',
    ),
    minLength: 1,
    maxLength: 12,
  })
  .filter((s) => CONTROL.test(s));

test('list, get, audit, audit --markdown, prune, plan --prune and an error line put no control character of the server on the terminal', async () => {
  await fc.assert(
    fc.asyncProperty(controlArb, async (evil) => {
      const t = tokenJson({
        label: `ok${evil}end`,
        description: evil,
        created_by: evil,
        is_active: false,
      });
      const srv = await startRawServer((req, sock) => {
        const u = new URL(req.path, 'http://x');
        if (u.pathname.endsWith('/missing'))
          return respond(sock, req, 404, { body: { message: `gone${evil}` } });
        if (u.pathname.endsWith('/access-tokens'))
          return respond(sock, req, 200, {
            body: { total: 1, next: null, previous: null, results: [t] },
          });
        return respond(sock, req, 200, { body: t });
      });
      const dir = mkdtempSync(join(tmpdir(), 'attack-terminal-'));
      writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens: {} }));
      try {
        for (const args of [
          ['list'],
          ['get', t.id],
          ['audit'],
          ['audit', '--markdown'],
          ['prune', '--inactive'],
          ['get', 'missing'],
          ['plan', '-f', 'tokens.json', '--prune'],
        ]) {
          const { out } = await cli(args, srv.url, dir);
          const at = out.search(CONTROL);
          assert.equal(
            at,
            -1,
            `${args.join(' ')}: ${JSON.stringify(out.slice(Math.max(0, at - 20), at + 20))}`,
          );
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await srv.close();
      }
    }),
    { numRuns: 2, examples: [['\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2K\r']] },
  );
});
