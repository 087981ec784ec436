// Packs the repository (`npm pack`, which runs prepack: the build) and installs the tarball into a
// fresh folder outside the repository, as a user's project gets it. The shared node_modules is
// never touched: `npm install --offline` reads only the tarball (the package has no dependencies).
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * @returns {Promise<{ work: string, project: string, tarball: string, files: string[], remove: () => Promise<void> }>}
 *   project: the folder with package.json and node_modules/dockerhub-oat
 */
export async function installPacked(prefix = 'dh-hosts-') {
  const work = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 16 << 20,
    timeout: 300_000,
  });
  const [pack] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const project = join(work, 'project');
  await mkdir(project);
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'project', private: true, type: 'module' }, null, 2)}\n`,
  );
  const tarball = join(work, pack.filename);
  await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
    {
      cwd: project,
      maxBuffer: 16 << 20,
      timeout: 300_000,
    },
  );
  return {
    work,
    project,
    tarball,
    files: pack.files.map((f) => f.path),
    remove: () => rm(work, { recursive: true, force: true }),
  };
}
