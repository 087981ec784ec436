// A scope is written in one file, src/core/scopes.txt: the C core's lists (src/core/scopes.h), the JS
// catalogue's data (bindings/scope-catalogue.js) and the manifest schema's two scope enums are
// written from it by scripts/scopes.mjs (run by scripts/build.sh and a CMake configure) and must
// say what it says. A failure names the file and the list that drifted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, cpSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drift, parseCatalogue, readCHeader } from '../../scripts/scopes.mjs';
import { REPO_SCOPES, ORG_SCOPES, SCOPE_WORDS, IMPLIES } from '../../bindings/scopes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const source = () => readFileSync(join(root, 'src/core/scopes.txt'), 'utf8');

test('the C lists, the JS catalogue and the schema say what src/core/scopes.txt says', async () => {
  const found = await drift();
  assert.deepEqual(
    found.map((d) => `${d.path}: ${d.key} is ${d.got}, src/core/scopes.txt says ${d.want}`),
    [],
  );
});

test("the catalogue the package exports is src/core/scopes.txt's, in its order", () => {
  const cat = parseCatalogue(source());
  assert.deepEqual(
    REPO_SCOPES,
    cat.repo.map((r) => r.scope),
  );
  assert.deepEqual(
    ORG_SCOPES,
    cat.org.map((r) => r.scope),
  );
  for (const r of [...cat.repo, ...cat.org]) assert.equal(SCOPE_WORDS[r.scope], r.words);
  assert.deepEqual(IMPLIES, cat.implies);
});

test('a scope added to src/core/scopes.txt alone reaches the C, the JS and the schema', () => {
  // In a copy of the files involved, so the tree is left as it is.
  const dir = mkdtempSync(join(tmpdir(), 'dh-scopes-'));
  try {
    for (const f of [
      'scripts/scopes.mjs',
      'src/core/scopes.txt',
      'src/core/scopes.h',
      'bindings/scope-catalogue.js',
      'schema/tokens.schema.json',
    ]) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      cpSync(join(root, f), join(dir, f));
    }
    writeFileSync(
      join(dir, 'src/core/scopes.txt'),
      `${source()}\norg scope-newcomer-read  Newcomers: read\n`,
    );
    const check = spawnSync(process.execPath, ['scripts/scopes.mjs', '--check'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(check.status, 1);
    for (const f of [
      'src/core/scopes.h: DH_ORG_SCOPES',
      'bindings/scope-catalogue.js: ORG',
      'schema/tokens.schema.json: org',
    ])
      assert.ok(check.stderr.includes(`${f} differs from src/core/scopes.txt`), check.stderr);
    const write = spawnSync(process.execPath, ['scripts/scopes.mjs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(write.status, 0, write.stderr);
    assert.equal(
      spawnSync(process.execPath, ['scripts/scopes.mjs', '--check'], { cwd: dir }).status,
      0,
    );
    assert.ok(
      readCHeader(readFileSync(join(dir, 'src/core/scopes.h'), 'utf8')).DH_ORG_SCOPES.some(
        ([s]) => s === 'newcomer-read',
      ),
    );
    assert.match(
      readFileSync(join(dir, 'bindings/scope-catalogue.js'), 'utf8'),
      /\['scope-newcomer-read', 'Newcomers: read'\]/,
    );
    const schema = JSON.parse(readFileSync(join(dir, 'schema/tokens.schema.json'), 'utf8'));
    assert.ok(schema.$defs.resources.properties.org.items.enum.includes('newcomer-read'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('src/core/scopes.txt is refused, naming its line, when a scope is listed twice or a link names no scope', () => {
  assert.throws(
    () => parseCatalogue(`${source()}\norg scope-member-read Again\n`),
    /src\/core\/scopes\.txt:\d+: scope-member-read is listed twice/,
  );
  assert.throws(
    () => parseCatalogue(`${source()}\nimplies scope-tag-admin scope-tag-wrte\n`),
    /scope-tag-wrte is not a scope listed/,
  );
  assert.throws(
    () => parseCatalogue('org member-read Members: read\n'),
    /src\/core\/scopes\.txt:1: "member-read" is not a scope/,
  );
});
