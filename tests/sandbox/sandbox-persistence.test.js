// --data persistence (atomic, survives a restart, corrupt files refused) and the CLI.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../web/sandbox/index.js';

const CLI = fileURLToPath(new URL('../../web/sandbox/cli.js', import.meta.url));

async function api(base, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}
const login = async (base, identifier = 'acme-owner', secret = 'sandbox-password') =>
  (await api(base, 'POST', '/v2/auth/token', { body: { identifier, secret } })).json?.access_token;

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('data file', () => {
  test('state survives a restart; secrets are stored only as hashes; no temp files left', async () => {
    const file = join(dir, 'state.json');
    const a = await startSandbox({ port: 0, dataFile: file });
    const owner = await login(a.url);
    const c = await api(a.url, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'persisted', description: 'kept' },
    });
    assert.equal(c.status, 201);
    const seededId = a.credentials.tokens.find((t) => t.label === 'legacy-deploy').id;
    await api(a.url, 'DELETE', `/v2/orgs/acme/access-tokens/${seededId}`, { token: owner });
    await a.close();

    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(c.json.token), 'no token secret on disk');
    assert.ok(!text.includes('sandbox-password'), 'no password on disk');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('state')),
      ['state.json'],
    );

    const b = await startSandbox({ port: 0, dataFile: file });
    try {
      assert.equal(b.credentials.source, 'data-file');
      const owner2 = await login(b.url);
      const l = await api(b.url, 'GET', '/v2/orgs/acme/access-tokens', { token: owner2 });
      assert.deepEqual(
        l.json.results.map((t) => t.label),
        ['persisted', 'ci-pull', 'q1-audit'],
      );
      const g = await api(b.url, 'GET', `/v2/orgs/acme/access-tokens/${c.json.id}`, {
        token: owner2,
      });
      assert.equal(g.json.description, 'kept');
      assert.ok(
        await login(b.url, 'acme', c.json.token),
        'the secret still logs in after a restart',
      );
      assert.deepEqual(b.state, JSON.parse(readFileSync(file, 'utf8')));
    } finally {
      await b.close();
    }
  });

  test('every change is written at once (login last_used_at, patch)', async () => {
    const file = join(dir, 'live.json');
    const sb = await startSandbox({ port: 0, dataFile: file });
    try {
      const active = sb.credentials.tokens.find((t) => t.label === 'ci-pull');
      const before = JSON.parse(readFileSync(file, 'utf8'));
      await login(sb.url, 'acme', active.secret);
      const after1 = JSON.parse(readFileSync(file, 'utf8'));
      const lu = (s) =>
        s.orgs.find((o) => o.name === 'acme').tokens.find((t) => t.id === active.id).last_used_at;
      assert.notEqual(lu(after1), lu(before));
      await api(sb.url, 'PATCH', `/v2/orgs/acme/access-tokens/${active.id}`, {
        token: await login(sb.url),
        body: { label: 'renamed' },
      });
      assert.ok(readFileSync(file, 'utf8').includes('"renamed"'));
    } finally {
      await sb.close();
    }
  });

  test('a corrupt file stops the start with a clear message and is left untouched', async () => {
    for (const [name, content] of [
      ['garbage.json', 'this is not json {'],
      ['wrong.json', '{"format":"something-else"}'],
      ['empty.json', ''],
      [
        'badtoken.json',
        JSON.stringify({
          format: 'dockerhub-oat-sandbox',
          version: 1,
          users: [],
          orgs: [
            {
              name: 'a',
              plan: 'team',
              repositories: [],
              owners: [],
              members: [],
              tokens: [{ id: 'x', label: 'l', is_active: true, sha256: 'nothex' }],
            },
          ],
        }),
      ],
    ]) {
      const file = join(dir, name);
      writeFileSync(file, content);
      await assert.rejects(startSandbox({ port: 0, dataFile: file }), (e) => {
        assert.match(e.message, /corrupt/);
        assert.ok(e.message.includes(file), 'names the file');
        return true;
      });
      assert.equal(readFileSync(file, 'utf8'), content, name);
    }
  });

  test('a missing seed file is a clear error', async () => {
    await assert.rejects(startSandbox({ port: 0, seedFile: join(dir, 'nope.json') }), /seed file/);
  });
});

/** Runs the CLI until `until(stdout)` is true; returns the child and the output so far. */
function runCli(args, until = (out) => /listening on (http:\/\/\S+)/.test(out)) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (until(out)) resolve();
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    void exited.then((code) => reject(new Error(`cli exited with ${code}: ${err}`)));
  });
  ready.catch(() => {});
  return {
    child,
    exited,
    ready,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe('cli', () => {
  test('prints its URL and the seeded credentials, applies flags, logs requests, stops on SIGTERM', async () => {
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({ orgs: [{ name: 'initech', plan: 'business', owners: ['acme-owner'] }] }),
    );
    const cli = runCli(['--port', '0', '--rate-limit', '5', '--jwt-ttl', '60', '--seed', seed]);
    try {
      await cli.ready;
      const url = /listening on (http:\/\/\S+)/.exec(cli.out)[1];
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(cli.out, /acme-owner\s+password sandbox-password\s+PAT dckr_pat_/);
      assert.match(cli.out, /acme-member/);
      assert.match(cli.out, /initech\s+plan business/);
      assert.match(cli.out, /acme\/ci-pull\s+active\s+dckr_oat_[0-9A-Za-z]{32}/);
      const r = await api(url, 'POST', '/v2/auth/token', {
        body: { identifier: 'acme-owner', secret: 'sandbox-password' },
      });
      assert.equal(r.headers.get('x-ratelimit-limit'), '5');
      const [, claims] = r.json.access_token.split('.');
      const c = JSON.parse(Buffer.from(claims, 'base64url').toString());
      assert.equal(c.exp - c.iat, 60);
      await new Promise((resolve) => {
        const t = setInterval(() => {
          if (/POST \/v2\/auth\/token 200/.test(cli.out)) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      assert.ok(
        !cli.out.split('Ctrl-C stops.')[1].includes('sandbox-password'),
        'the log shows no secret',
      );
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0);
  });

  test('--data keeps state across two runs', async () => {
    const file = join(dir, 'cli-state.json');
    const one = runCli(['--port', '0', '--data', file, '--quiet']);
    await one.ready;
    const url = /listening on (http:\/\/\S+)/.exec(one.out)[1];
    const owner = await login(url);
    assert.equal(
      (
        await api(url, 'POST', '/v2/orgs/acme/access-tokens', {
          token: owner,
          body: { label: 'from-cli' },
        })
      ).status,
      201,
    );
    one.child.kill('SIGTERM');
    assert.equal(await one.exited, 0);
    assert.ok(existsSync(file));

    const two = runCli(['--port', '0', '--data', file, '--quiet']);
    try {
      await two.ready;
      const url2 = /listening on (http:\/\/\S+)/.exec(two.out)[1];
      await new Promise((resolve) => {
        const t = setInterval(() => {
          if (two.out.includes('Ctrl-C')) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      assert.match(two.out, /State loaded from/);
      const l = await api(url2, 'GET', '/v2/orgs/acme/access-tokens', { token: await login(url2) });
      assert.equal(l.json.results[0].label, 'from-cli');
    } finally {
      two.child.kill('SIGTERM');
    }
    assert.equal(await two.exited, 0);
  });

  test('a corrupt --data file: exit 1 with the reason, file untouched', async () => {
    const file = join(dir, 'cli-corrupt.json');
    writeFileSync(file, '{"oops"');
    const cli = runCli(['--port', '0', '--data', file]);
    assert.equal(await cli.exited, 1);
    assert.match(cli.err, /corrupt/);
    assert.equal(readFileSync(file, 'utf8'), '{"oops"');
  });

  test('bad flags: exit 2 with usage; --help: exit 0', async () => {
    for (const args of [['--port', 'abc'], ['--rate-limit', '0'], ['--bogus']]) {
      const cli = runCli(args);
      assert.equal(await cli.exited, 2, args.join(' '));
      assert.match(cli.err, /--/);
    }
    const help = runCli(['--help']);
    assert.equal(await help.exited, 0);
    assert.match(help.out, /^Usage: dockerhub-oat sandbox \[options\]/);
  });
});
