// bindings/cli/handover.js, where apply and the CLI's --exec and --out put a new token's secret: a
// command's stdin (no shell) or a new 0600 file that is never overwritten. The word splitting is
// checked against a real sh, for apply's "exec" and the CLI's --exec alike.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  writeFileSync,
  statSync,
  symlinkSync,
  rmSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { commandWords, handOver, preflight, splitWords } from '../../bindings/cli/handover.js';
import { handoverFromFlags } from '../../bindings/cli/secret.js';

const SECRET = 'dckr_oat_0123456789abcdefghijABCDEFGHIJ';

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'dh-handover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('splitWords', () => {
  test('splits as sh does, for words made of letters, blanks, quotes and backslashes', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\t', "'", '"', '\\');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 14 }), (line) => {
        const sh = spawnSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
        let ours;
        try {
          ours = splitWords(line);
        } catch {
          ours = null;
        }
        if (sh.status !== 0) {
          // sh refused it (an unclosed quote): so do we, or there were no words
          assert.ok(
            ours === null,
            `sh refused ${JSON.stringify(line)}, we gave ${JSON.stringify(ours)}`,
          );
          return;
        }
        const words = sh.stdout === '' ? [] : sh.stdout.slice(0, -1).split('\0');
        if (words.length === 0 || (words.length === 1 && words[0] === '' && !/['"]/.test(line))) {
          assert.equal(ours, null, 'no words: refused');
          return;
        }
        assert.deepEqual(ours, words, JSON.stringify(line));
      }),
      { numRuns: 300 },
    );
  });

  test('the CLI\'s --exec runs the very words apply\'s "exec" runs, and refuses what it refuses', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '"', "'", '\\', '$');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 14 }), (line) => {
        let ours;
        try {
          ours = splitWords(line);
        } catch {
          ours = null;
        }
        let flags;
        try {
          flags = commandWords(handoverFromFlags({ exec: line }));
        } catch (err) {
          // Split alike, then refused because no such program exists: the message names our first word.
          const missing =
            /^--exec: the command (".*") is not found or not executable; nothing was created$/.exec(
              err.message,
            );
          if (missing) assert.equal(JSON.parse(missing[1]), ours?.[0], JSON.stringify(line));
          else assert.match(err.message, /^--exec (has an unclosed quote|needs a command)$/);
          flags = missing ? ours : null;
        }
        assert.deepEqual(flags, ours, JSON.stringify(line));
      }),
      { numRuns: 300 },
    );
    // A backslash in double quotes stays itself before a letter, as in sh.
    assert.deepEqual(commandWords(handoverFromFlags({ exec: 'printf "a\\b"' })), [
      'printf',
      'a\\b',
    ]);
    assert.deepEqual(commandWords(handoverFromFlags({ exec: 'a | b', 'exec-shell': true })), [
      '/bin/sh',
      '-c',
      'a | b',
    ]);
  });

  test('expands nothing: $HOME, globs, ; and | are plain characters', () => {
    assert.deepEqual(splitWords('echo $HOME *.txt ; rm -rf / | cat'), [
      'echo',
      '$HOME',
      '*.txt',
      ';',
      'rm',
      '-rf',
      '/',
      '|',
      'cat',
    ]);
    assert.throws(() => splitWords('  '), /empty/);
    assert.throws(() => splitWords("a 'b"), /unclosed ' quote/);
  });
});

describe('exec', () => {
  test('the command gets the secret alone (no newline: one format everywhere) on stdin, and never in its arguments', async (t) => {
    const dir = tempDir(t);
    const script =
      "const fs=require('fs');fs.writeFileSync('in.txt',fs.readFileSync(0));fs.writeFileSync('argv.txt',JSON.stringify(process.argv))";
    await handOver(
      SECRET,
      { exec: `${process.execPath} -e "${script}" one 'two words'` },
      { cwd: dir, stderr: 'ignore' },
    );
    assert.equal(readFileSync(join(dir, 'in.txt'), 'utf8'), SECRET);
    const argv = JSON.parse(readFileSync(join(dir, 'argv.txt'), 'utf8'));
    assert.deepEqual(argv.slice(1), ['one', 'two words']);
    assert.ok(!readFileSync(join(dir, 'argv.txt'), 'utf8').includes(SECRET.slice(9, 17)));
  });

  test('the command gets the given environment without DOCKERHUB_SECRET and DOCKERHUB_TOKEN', async (t) => {
    const dir = tempDir(t);
    const env = {
      ...process.env,
      DH_MARK: 'given',
      DOCKERHUB_SECRET: 'sandbox-password',
      DOCKERHUB_TOKEN: 'a.jwt.here',
    };
    const script = "require('fs').writeFileSync('env.json',JSON.stringify(process.env))";
    await handOver(
      SECRET,
      { exec: `${process.execPath} -e "${script}"` },
      { cwd: dir, env, stderr: 'ignore' },
    );
    const seen = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'));
    assert.equal(seen.DH_MARK, 'given', "the environment given, not this process's");
    assert.ok(!('DOCKERHUB_SECRET' in seen) && !('DOCKERHUB_TOKEN' in seen));
  });

  test('with shell set, /bin/sh -c runs it with the secret alone on stdin', async (t) => {
    const dir = tempDir(t);
    await handOver(
      SECRET,
      { exec: 'cat > in.txt && test -s in.txt', shell: true },
      { cwd: dir, stderr: 'ignore' },
    );
    assert.equal(readFileSync(join(dir, 'in.txt'), 'utf8'), SECRET);
  });

  test('a failing or missing command is an error that holds no secret', async (t) => {
    const dir = tempDir(t);
    const err = await handOver(
      SECRET,
      { exec: `${process.execPath} -e process.exit(4)` },
      { cwd: dir, stderr: 'ignore' },
    ).catch((e) => e);
    assert.match(err.message, /exited with status 4/);
    const missing = await handOver(SECRET, { exec: 'no-such-command-here' }, { cwd: dir }).catch(
      (e) => e,
    );
    assert.match(missing.message, /could not start no-such-command-here: command not found/);
    for (const e of [err, missing]) assert.ok(!e.message.includes(SECRET.slice(9, 17)));
    // A command that does not read its stdin and succeeds: its status decides.
    await handOver(SECRET, { exec: `${process.execPath} -e 0` }, { cwd: dir, stderr: 'ignore' });
  });
});

describe('out', () => {
  test('creates the file with mode 0600 whatever the umask, holding the secret alone (no newline)', async (t) => {
    const dir = tempDir(t);
    const old = process.umask(0o000);
    try {
      await handOver(SECRET, { out: 'a.token' }, { cwd: dir });
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(join(dir, 'a.token')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'a.token'), 'utf8'), SECRET);
  });

  test('never overwrites a file, nor follows a link, even a dangling one', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'kept'), 'old\n');
    await assert.rejects(
      handOver(SECRET, { out: 'kept' }, { cwd: dir }),
      /kept: the file exists; refusing to overwrite it/,
    );
    assert.equal(readFileSync(join(dir, 'kept'), 'utf8'), 'old\n');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    await assert.rejects(
      handOver(SECRET, { out: 'link' }, { cwd: dir }),
      /link: the file exists; refusing to overwrite it/,
    );
    assert.ok(!existsSync(join(dir, 'target')), 'the link was not followed');
  });

  test('preflight says, before any token is made, what would fail', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'kept'), 'old\n');
    assert.throws(
      () => preflight({ out: 'kept' }, { cwd: dir }),
      /kept: the file exists; refusing to overwrite it/,
    );
    assert.throws(
      () => preflight({ out: 'no/such/dir/x' }, { cwd: dir }),
      /no\/such\/dir\/x: the folder \S*\/no\/such\/dir does not exist/,
    );
    assert.throws(
      () =>
        preflight({ exec: 'no-such-command-here' }, { cwd: dir, env: { PATH: '/usr/bin:/bin' } }),
      /not found/,
    );
    preflight({ out: 'new.token' }, { cwd: dir });
    preflight({ exec: 'sh -c true' }, { cwd: dir, env: { PATH: '/usr/bin:/bin' } });
    preflight({ exec: process.execPath }, { cwd: dir });
  });
});
