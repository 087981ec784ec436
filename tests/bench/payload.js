// What a browser downloads for a one-call app (createClient + one GET), built by esbuild
// (--bundle --splitting --minify) and by vite (vite build): the entry chunk and every chunk it
// imports statically, plus, for ours, the core .wasm it fetches (the tools' chunks and wasm are
// loaded on first use only, so they are not counted). Each file gzip -9. The same app with
// openapi-fetch, built the same way, is the peer. tests/browser/one-call.test.js checks the same
// figure in Chromium's own request log.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN_ID = 'a7a5ef25-8889-43a0-8cc7-f2a94268e861';
const gz = (bytes) => gzipSync(bytes, { level: zlib.Z_BEST_COMPRESSION }).length;

export const APPS = {
  ours: `import { createClient } from 'dockerhub-oat';
const hub = await createClient({ token: 'x' });
export const r = await hub.getAccessToken('acme', '${TOKEN_ID}');`,
  openapi_fetch: `import createClient from 'openapi-fetch';
const client = createClient({ baseUrl: 'https://hub.docker.com', headers: { Authorization: 'Bearer x' } });
export const r = await client.GET('/v2/orgs/{org}/access-tokens/{token_id}', { params: { path: { org: 'acme', token_id: '${TOKEN_ID}' } } });`,
};

/** A project whose node_modules holds this package and openapi-fetch. */
function project(app) {
  const dir = mkdtempSync(join(tmpdir(), 'dh-payload-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'dockerhub-oat'));
  symlinkSync(
    join(ROOT, 'node_modules', 'openapi-fetch'),
    join(dir, 'node_modules', 'openapi-fetch'),
  );
  writeFileSync(join(dir, 'main.js'), app);
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/main.js"></script>',
  );
  return dir;
}

function sum(files) {
  const out = { files: {}, js_gzip_bytes: 0, wasm_gzip_bytes: 0 };
  for (const f of files) {
    const n = gz(readFileSync(f));
    out.files[basename(f)] = n;
    if (f.endsWith('.wasm')) out.wasm_gzip_bytes += n;
    else out.js_gzip_bytes += n;
  }
  out.total_gzip_bytes = out.js_gzip_bytes + out.wasm_gzip_bytes;
  return out;
}

/** esbuild --splitting: the entry's output and its static imports, transitively. */
export async function esbuildApp(app, withWasm) {
  const esbuild = await import('esbuild');
  const dir = project(app);
  try {
    const outdir = join(dir, 'out');
    const r = await esbuild.build({
      entryPoints: [join(dir, 'main.js')],
      bundle: true,
      splitting: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      outdir,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: dir,
    });
    const outputs = r.metafile.outputs;
    const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint);
    const seen = new Set();
    const walk = (k) => {
      if (seen.has(k)) return;
      seen.add(k);
      for (const i of outputs[k].imports) if (i.kind === 'import-statement') walk(i.path);
    };
    walk(entry);
    const files = [...seen].map((k) => join(dir, k));
    if (withWasm) files.push(join(ROOT, 'dist', 'dockerhub_oat.wasm'));
    return sum(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** vite build: the entry chunk and its static imports (vite's manifest), and the core .wasm asset. */
export async function viteApp(app, withWasm) {
  const { build } = await import('vite');
  const dir = project(app);
  try {
    const outDir = join(dir, 'dist');
    await build({
      root: dir,
      logLevel: 'silent',
      configFile: false,
      build: { outDir, manifest: true },
    });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8'));
    const seen = new Set();
    const walk = (key) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const k of manifest[key].imports ?? []) walk(k);
    };
    walk('index.html');
    const files = [...seen].map((k) => join(outDir, manifest[k].file));
    if (withWasm) {
      const core = Object.values(manifest).find((m) =>
        /(^|\/)dockerhub_oat-[\w-]+\.wasm$/.test(m.file),
      );
      files.push(join(outDir, core.file));
    }
    return sum(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
