// Rule: the sandbox's --data save never follows a planted link. It wrote through a temporary file
// whose name was predictable (pid and Date.now()) and opened with 'w': a link planted at that name
// made the save overwrite the link's target. The temporary name is now random and opened
// O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600, and the data file is a regular file of mode 0600 after
// every save, even where a link stood.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../web/sandbox/store.js';
import { startSandbox } from '../../web/sandbox/index.js';
import { createClient } from '../../bindings/index.node.js';

test('a link planted at every name the old save would pick is never written through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-save-'));
  try {
    const target = join(dir, 'victim.txt');
    writeFileSync(target, 'untouched\n');
    const file = join(dir, 'data.json');
    // The old name was .data.json.PID.MS.tmp: links for the next few seconds' milliseconds.
    const start = Date.now();
    for (let ms = start - 100; ms < start + 3000; ms++)
      symlinkSync(target, join(dir, `.data.json.${process.pid}.${ms}.tmp`));
    writeFileAtomic(file, '{"ok":true}\n');
    assert.equal(readFileSync(target, 'utf8'), 'untouched\n');
    const st = lstatSync(file);
    assert.ok(st.isFile() && !st.isSymbolicLink());
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), '{"ok":true}\n');
    assert.deepEqual(
      readdirSync(dir).filter(
        (n) => n.endsWith('.tmp') && !lstatSync(join(dir, n)).isSymbolicLink(),
      ),
      [],
      'no temporary file left',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data file that is a link becomes a regular file of mode 0600 at the first save; its target is left as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-save-'));
  const target = join(dir, 'elsewhere.json');
  const file = join(dir, 'data.json');
  let sb;
  try {
    sb = await startSandbox({ port: 0, dataFile: file });
    await sb.close();
    sb = null;
    const saved = readFileSync(file, 'utf8');
    rmSync(file);
    writeFileSync(target, saved);
    symlinkSync(target, file);
    sb = await startSandbox({ port: 0, dataFile: file });
    const hub = await createClient({
      baseUrl: sb.url,
      credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
    });
    await hub.createAccessToken('acme', {
      label: 'saved',
      resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
    });
    hub.close();
    const st = lstatSync(file);
    assert.ok(st.isFile() && !st.isSymbolicLink(), 'the data file is no longer a link');
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(readFileSync(target, 'utf8'), saved, "the link's target was not written");
  } finally {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
