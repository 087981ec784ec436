// The C API's version macros (src/include/dockerhub_oat.h) are the package's version: a C user
// and a JS user of one release read the same number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const root = new URL('../..', import.meta.url);

test('DH_VERSION_MAJOR/MINOR/PATCH and DH_VERSION match package.json', async () => {
  const { version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  const header = await readFile(new URL('src/include/dockerhub_oat.h', root), 'utf8');
  const macro = (name) => {
    const m = new RegExp(`^#define ${name} (.+)$`, 'm').exec(header);
    assert.ok(m, `${name} is defined`);
    return m[1].trim();
  };
  const [major, minor, patch] = version.split('.');
  assert.equal(macro('DH_VERSION_MAJOR'), major);
  assert.equal(macro('DH_VERSION_MINOR'), minor);
  assert.equal(macro('DH_VERSION_PATCH'), patch.replace(/[-+].*$/, ''));
  assert.equal(macro('DH_VERSION'), JSON.stringify(version));
});
