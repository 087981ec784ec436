// A Worker bundled as wrangler bundles it: esbuild with wrangler's conditions (workerd, worker,
// browser), and each .wasm import kept as a module of its own (wrangler's CompiledWasm rule).
// The package is resolved by name from the entry's folder, through its exports map.
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const INNER = Symbol('resolving through the exports map');

export const WRANGLER_CONDITIONS = ['workerd', 'worker', 'browser'];

/**
 * @returns {Promise<{ modules: { type: string, path: string }[], inputs: string[] }>} the modules
 *   for Miniflare (the bundle, then each .wasm) and the files that went into the bundle
 */
export async function bundleWorker(entry, outDir, conditions = WRANGLER_CONDITIONS) {
  mkdirSync(outDir, { recursive: true });
  const wasmFiles = [];
  const wasmModules = {
    name: 'wasm-modules',
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, async (args) => {
        if (args.pluginData === INNER) return undefined;
        // A bare specifier (dockerhub-oat/dockerhub_oat.wasm) goes through the package's exports.
        const file =
          args.path.startsWith('.') || args.path.startsWith('/')
            ? resolve(args.resolveDir, args.path)
            : (
                await build.resolve(args.path, {
                  kind: args.kind,
                  resolveDir: args.resolveDir,
                  pluginData: INNER,
                })
              ).path;
        copyFileSync(file, join(outDir, basename(file)));
        if (!wasmFiles.includes(join(outDir, basename(file))))
          wasmFiles.push(join(outDir, basename(file)));
        return { path: `./${basename(file)}`, external: true };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions,
    outfile: join(outDir, 'worker.js'),
    plugins: [wasmModules],
    metafile: true,
    logLevel: 'error',
  });
  return {
    modules: [
      { type: 'ESModule', path: join(outDir, 'worker.js') },
      ...wasmFiles.map((path) => ({ type: 'CompiledWasm', path })),
    ],
    inputs: Object.keys(result.metafile.inputs),
  };
}
