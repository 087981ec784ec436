// Rule: the README and CONTRIBUTING name only files that exist. A path they give (src/..., bindings/...,
// web/..., tests/..., scripts/..., cmake/..., schema/...) is in the repository, and a bare file name
// in the README's map ("How it fits together") is a file of the product (src/, bindings/, web/), so
// a folder move that leaves the docs behind fails here, not in a reader's hands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const productNames = new Set(
  tracked.filter((f) => /^(src|bindings|web)\//.test(f)).map((f) => basename(f)),
);
const PATH = /`((?:src|bindings|web|tests|scripts|cmake|schema)\/[A-Za-z0-9_./*-]+)`/g;
const FILE = /`([A-Za-z0-9_-]+\.(?:c|h|js|mjs|txt))`/g;
// Written at run time, never committed: by the build, the browser suite, the bench.
const GENERATED = /^(dist\/|tests\/artifacts\/|tests\/bench\/results\/)/;

for (const doc of ['README.md', 'CONTRIBUTING.md']) {
  test(`every repository path ${doc} gives exists`, () => {
    const text = readFileSync(join(root, doc), 'utf8');
    const missing = [...text.matchAll(PATH)]
      .map((m) => m[1].replace(/[.,:]$/, ''))
      .filter((p) => !p.includes('*') && !GENERATED.test(p) && !existsSync(join(root, p)));
    assert.deepEqual([...new Set(missing)], []);
  });
}

test("every file name in the README's map of the layers is a file of the product", () => {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const map = text.slice(
    text.indexOf('## How it fits together'),
    text.indexOf('## For contributors'),
  );
  assert.ok(map.length > 100, 'the README has its map');
  const missing = [...map.matchAll(FILE)].map((m) => m[1]).filter((n) => !productNames.has(n));
  assert.deepEqual([...new Set(missing)], []);
});
