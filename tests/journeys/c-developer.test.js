// A C programmer's path, from a fresh clone, once with gcc and once with clang (as `cc`): the
// README's own blocks (examples/build-c.sh builds, installs to $HOME/.local, builds
// examples/list.c by pkg-config and runs it), what was installed (headers, both libraries with
// only dh_ names, the .pc, the CMake package), a CMake project on find_package (the README's
// examples/CMakeLists.txt), and a program with its own fail() and Debian's libcjson with its own
// hooks, linked to the shared library and to the archive. Every program runs against the sandbox.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../web/sandbox/index.js';
import { readmeExamples } from '../hosts/readme.js';
import { run } from './helpers/installed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = readmeExamples(join(root, 'README.md'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const BUILD_TIMEOUT = 15 * 60_000;

let sb;
let work;
before(async () => {
  sb = await startSandbox({ host: '127.0.0.1', port: 0 });
  work = mkdtempSync(join(tmpdir(), 'dh-c-journey-'));
});
after(async () => {
  await sb?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The sandbox's seeded owner, as the README's programs read it. */
const hubEnv = () => ({
  DOCKERHUB_BASE_URL: sb.url,
  DOCKERHUB_IDENTIFIER: 'acme-owner',
  DOCKERHUB_SECRET: 'sandbox-password',
  DOCKERHUB_ORG: 'acme',
});

/**
 * A clone of this tree as `git clone` would give it (tracked files, and new ones not ignored),
 * with cJSON's source where the first configure would have fetched it: the test reaches no
 * network, and the build above already fetched and checked it.
 */
function freshClone(dir) {
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: root },
  )
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(root, f))) continue; // deleted in the work tree
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  const cjson = join(root, 'build', 'third_party', 'cjson');
  assert.ok(
    existsSync(join(cjson, 'cJSON.c')),
    'cJSON is fetched by the native builds of npm test first',
  );
  cpSync(cjson, join(dir, 'build', 'third_party', 'cjson'), { recursive: true });
}

/** A PATH whose `cc` is `compiler`, as on a machine where cc is clang. */
function pathWithCc(compiler) {
  const bin = join(work, `bin-${compiler}`);
  mkdirSync(bin, { recursive: true });
  const real = execFileSync('sh', ['-c', `command -v ${compiler}`])
    .toString()
    .trim();
  if (!existsSync(join(bin, 'cc'))) symlinkSync(real, join(bin, 'cc'));
  return `${bin}:${process.env.PATH}`;
}

async function sh(script, { cwd, env }) {
  const r = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env,
    timeout: BUILD_TIMEOUT,
  });
  assert.equal(r.code, 0, `${script}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}

const listsTwice = (out) =>
  assert.equal(out.split('\n').filter((l) => l === 'ci-pull').length, 2, out);

for (const compiler of ['gcc', 'clang']) {
  test(
    `a C programmer with ${compiler} as cc, from a fresh clone`,
    { timeout: BUILD_TIMEOUT },
    async (t) => {
      const clone = join(work, `clone-${compiler}`);
      const home = join(work, `home-${compiler}`);
      mkdirSync(home, { recursive: true });
      freshClone(clone);
      const env = { PATH: pathWithCc(compiler), HOME: home, CC: compiler, ...hubEnv() };
      const prefix = join(home, '.local');
      const libdir = join(prefix, 'lib');

      await t.test("the README's build block: cmake, install, pkg-config, run", async () => {
        writeFileSync(join(clone, 'list.c'), examples.get('list.c'));
        const script = join(clone, 'build-c.sh');
        writeFileSync(script, examples.get('build-c.sh'));
        chmodSync(script, 0o755);
        const out = await sh('bash ./build-c.sh', { cwd: clone, env });
        listsTwice(out); // once blocking, once by the select() loop's dh_list_all_tokens
      });

      await t.test(
        'what was installed: headers, both libraries, pkg-config and CMake files',
        async () => {
          for (const h of [
            'dockerhub_oat.h',
            'dockerhub_oat_curl.h',
            'dockerhub_oat_audit.h',
            'dockerhub_oat_manifest.h',
            'dockerhub_oat/adapters/libuv.h',
          ]) {
            assert.ok(existsSync(join(prefix, 'include', h)), h);
            assert.match(
              readFileSync(join(prefix, 'include', h), 'utf8'),
              /extern "C"/,
              `${h} has extern "C"`,
            );
          }
          assert.ok(
            !existsSync(join(prefix, 'include', 'dockerhub_oat_fetch.h')),
            'the WASM transport header is not installed',
          );
          for (const h of ['dockerhub_oat_audit.h', 'dockerhub_oat_manifest.h']) {
            // the bindings' JSON forms stay inside
            assert.doesNotMatch(
              readFileSync(join(prefix, 'include', h), 'utf8'),
              /dh_audit_json|dh_plan_to_json/,
              h,
            );
          }
          for (const f of [
            'libdockerhub_oat.a',
            `libdockerhub_oat.so.${version}`,
            'pkgconfig/dockerhub-oat.pc',
            'cmake/dockerhub_oat/dockerhub_oatConfig.cmake',
            'cmake/dockerhub_oat/dockerhub_oatConfigVersion.cmake',
          ]) {
            assert.ok(existsSync(join(libdir, f)), f);
          }
          const major = version.split('.')[0];
          const dynamic = execFileSync('readelf', [
            '-d',
            join(libdir, 'libdockerhub_oat.so'),
          ]).toString();
          assert.match(
            dynamic,
            new RegExp(`Library soname: \\[libdockerhub_oat\\.so\\.${major}\\]`),
          );
          const nm = await sh(
            `bash ${join(clone, 'tests/examples/exports_only_dh.sh')} "${libdir}"`,
            { cwd: clone, env },
          );
          assert.match(nm, /libdockerhub_oat\.a: \d+ global symbols, every one dh_\*/);
        },
      );

      await t.test(
        "a CMake project on find_package: the README's examples/CMakeLists.txt",
        async () => {
          const project = join(work, `cmake-project-${compiler}`);
          mkdirSync(project, { recursive: true });
          writeFileSync(join(project, 'CMakeLists.txt'), examples.get('CMakeLists.txt'));
          writeFileSync(join(project, 'list.c'), examples.get('list.c'));
          await sh(
            `cmake -S . -B build -DCMAKE_PREFIX_PATH="${prefix}" >/dev/null && cmake --build build >/dev/null`,
            { cwd: project, env },
          );
          listsTwice(await sh('./build/list', { cwd: project, env }));
        },
      );

      await t.test(
        "a program with its own fail() and Debian's libcjson, hooks and all",
        async () => {
          const src = join(clone, 'tests/examples/own_cjson.c');
          const cflags = '-std=c11 -Wall -Wextra -Werror';
          const pcEnv = { ...env, PKG_CONFIG_PATH: join(libdir, 'pkgconfig') };
          await sh(
            `cc ${cflags} "${src}" $(pkg-config --cflags --libs dockerhub-oat libcjson) -Wl,-rpath,"${libdir}" -o own_shared`,
            { cwd: home, env: pcEnv },
          );
          await sh(
            `cc ${cflags} "${src}" $(pkg-config --cflags dockerhub-oat libcjson) "${libdir}/libdockerhub_oat.a" ` +
              '$(pkg-config --libs libcurl libcjson) -lm -o own_static',
            { cwd: home, env: pcEnv },
          );
          for (const program of ['./own_shared', './own_static']) {
            const out = await sh(program, { cwd: home, env });
            assert.match(out, /^ci-pull$/m, program);
            assert.match(
              out,
              new RegExp(
                `own fail\\(\\) and own cJSON hooks untouched \\(library ${version.replace(/\./g, '\\.')}\\)`,
              ),
            );
          }
        },
      );
    },
  );
}
