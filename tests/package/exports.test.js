// One export list for every entry: whatever condition a host or bundler resolves `dockerhub-oat`
// under, the bundle exports exactly the runtime names bindings/index.d.ts declares. Each condition
// is bundled by esbuild from a project that has the package by name (a node_modules link to this
// repository), with the conditions that host's tooling passes, and the bundle's exports are compared
// with the .d.ts read by the pinned TypeScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile, readFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Each condition of package.json, the way its tooling asks for it, and the entry it must reach. */
const HOSTS = [
  {
    condition: 'workerd',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    entry: 'index.workerd.js',
  }, // wrangler
  {
    condition: 'deno',
    platform: 'neutral',
    conditions: ['deno', 'node'],
    entry: 'index.inline.js',
  },
  {
    condition: 'worker',
    platform: 'neutral',
    conditions: ['worker', 'browser'],
    entry: 'index.inline.js',
  },
  { condition: 'browser', platform: 'browser', conditions: [], entry: 'index.web.js' },
  { condition: 'node', platform: 'node', conditions: [], entry: 'index.node.js' },
  { condition: 'default', platform: 'neutral', conditions: [], entry: 'index.web.js' },
];

/** The names index.d.ts declares as values (a const, function or class, exported). */
async function declaredValues() {
  const file = join(root, 'bindings/index.d.ts');
  const source = ts.createSourceFile(
    file,
    await readFile(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const names = [];
  const exported = (node) => node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const node of source.statements) {
    if (!exported(node)) continue;
    if (ts.isVariableStatement(node))
      names.push(...node.declarationList.declarations.map((d) => d.name.getText()));
    else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isEnumDeclaration(node)) &&
      node.name
    )
      names.push(node.name.text);
  }
  return [...new Set(names)].sort();
}

let project;
let declared;

before(async () => {
  project = await realpath(await mkdtemp(join(tmpdir(), 'dh-exports-')));
  await mkdir(join(project, 'node_modules'));
  await symlink(root, join(project, 'node_modules', 'dockerhub-oat'), 'dir');
  await writeFile(join(project, 'entry.js'), "export * from 'dockerhub-oat';\n");
  declared = await declaredValues();
});
after(() => rm(project, { recursive: true, force: true }));

/** Bundles `export * from 'dockerhub-oat'` for one host. @returns {Promise<{ exports: string[], inputs: string[] }>} */
async function bundle({ platform, conditions }) {
  const result = await esbuild.build({
    entryPoints: [join(project, 'entry.js')],
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    conditions,
    outfile: join(project, 'out.js'),
    metafile: true,
    logLevel: 'silent',
    external: ['node:*', '*.wasm'],
  });
  const [output] = Object.values(result.metafile.outputs);
  return { exports: [...output.exports].sort(), inputs: Object.keys(result.metafile.inputs) };
}

test('index.d.ts declares the runtime names a user imports', () => {
  for (const name of [
    'createClient',
    'DockerHubError',
    'ERROR_CODES',
    'SCOPES',
    'auditMarkdown',
    'hasFindingAtLeast',
    'pruneCandidates',
    'SEVERITIES',
  ])
    assert.ok(declared.includes(name), `${name} in ${declared.join(', ')}`);
});

test('package.json has exactly these conditions', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(
    Object.keys(pkg.exports['.']).filter((c) => c !== 'types'),
    HOSTS.map((h) => h.condition),
  );
});

for (const host of HOSTS) {
  test(`the ${host.condition} condition (esbuild --platform=${host.platform}${host.conditions.length ? ` --conditions=${host.conditions}` : ''}) exports every declared name`, async () => {
    const { exports, inputs } = await bundle(host);
    assert.ok(
      inputs.some((p) => p.endsWith(`bindings/${host.entry}`)),
      `${host.entry} not among ${inputs.join(', ')}`,
    );
    assert.deepEqual(exports, declared);
  });
}
