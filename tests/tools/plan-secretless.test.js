// plan refuses what apply would refuse: a token the file would create, replace or rotate whose
// entry says nothing of where its new secret goes. So a CI job that runs plan on a pull request
// goes red (exit 1, the entry's line) for a file that apply would refuse, and no CLI user ever
// reads "to onSecret". An exported file has no "secret": editing an expiry there means a replace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOwnerWorld, ORG, PULL_API } from '../fixtures/hub.js';
import { writeRequests } from '../fixtures/cli-run.js';

let world;
let dir;
before(async () => {
  world = await openOwnerWorld();
  dir = mkdtempSync(join(tmpdir(), 'dh-secretless-'));
});
after(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args) => world.cli(args, { cwd: dir });

test('plan and apply refuse a create with nowhere for its secret: exit 1, the line, no write', async () => {
  writeFileSync(
    join(dir, 'tokens.json'),
    '{\n  "tokens": {\n    "x": {},\n    "y": { "secret": { "out": "y.token" } }\n  }\n}\n',
  );
  world.sb.resetRequests();
  for (const args of [
    ['plan', '-f', 'tokens.json'],
    ['plan', '-f', 'tokens.json', '--json'],
    ['apply', '-f', 'tokens.json', '--yes'],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^error: tokens\.json: line 3: token "x" would be created, but the file does not say where its secret goes: add "secret": \{ "exec": "COMMAND" \} or \{ "out": "FILE" \}$/m,
    );
    assert.doesNotMatch(r.stderr, /onSecret/);
  }
  assert.deepEqual(writeRequests(world.sb), []);
});

test('an exported file with an edited expiry plans a replace: refused at plan, not first at apply', async () => {
  await world.hub.createAccessToken(ORG, { label: 'edit-me', resources: [PULL_API] });
  const exported = await cli(['export']);
  assert.equal(exported.code, 0, exported.stderr);
  const m = JSON.parse(exported.stdout);
  m.tokens['edit-me'].expires = '30d';
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(m, null, 2));
  const r = await cli(['plan', '-f', 'tokens.json', '--save', 'plan.json']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /line \d+: token "edit-me" would be replaced by a new token, but the file does not say where its secret goes/,
  );
  assert.doesNotMatch(r.stdout + r.stderr, /onSecret/);
  m.tokens['edit-me'].secret = { out: 'edit-me.token' };
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(m, null, 2));
  const ok = await cli(['plan', '-f', 'tokens.json']);
  assert.equal(ok.code, 2, ok.stderr);
});
