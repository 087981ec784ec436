// The tools' WASM module: the audit rules, the manifest parser and the plan diff (src/tools/audit.c,
// src/tools/manifest.c, src/tools/plan.c, through src/wasm/wasm_audit.c and src/wasm/wasm_plan.c). The client
// imports this file by dynamic import() on the first audit or plan (bindings/client.js), so a
// bundler makes it a chunk of its own and an app that never audits or plans never loads it or
// its .wasm. Its calls go through bindings/boundary.js, which answers in the one envelope.
import createDockerHubOatTools from '../../dist/dockerhub_oat_tools.mjs';
import { audit, heapInUse, plan } from '../boundary.js';
import { DockerHubError } from '../errors.js';
import { wasmSource } from '../module.js';

/** One instantiated tools module per host (entry), shared by its clients. */
const loaded = new Map();

/**
 * The tools of this host's entry, loaded on first use.
 * @param {{ loadTools: () => Promise<BufferSource|WebAssembly.Module>, syncCompile?: boolean }} host
 */
export function tools(host) {
  let promise = loaded.get(host);
  if (!promise) {
    promise = instantiate(host).then((Module) => new Tools(Module));
    loaded.set(host, promise);
    promise.catch(() => loaded.delete(host));
  }
  return promise;
}

async function instantiate(host) {
  let source;
  try {
    source = await host.loadTools();
    const moduleArgs = { print() {}, printErr() {}, locateFile: (path) => path };
    const failed = wasmSource(moduleArgs, source, host.syncCompile === true);
    return await Promise.race([createDockerHubOatTools(moduleArgs), failed]);
  } catch (err) {
    if (err instanceof DockerHubError) throw err;
    const why = String(err?.message ?? err).replace(/^Aborted\((.*)\)(\. Build with .*)?$/s, '$1');
    throw new DockerHubError(
      'invalid_argument',
      `could not load or compile the package's tools module, dockerhub_oat_tools.wasm (${why})`,
    );
  }
}

class Tools {
  constructor(Module) {
    this.Module = Module;
  }

  /** The plan (tokens: the org's tokens as JSON text, or null to check the manifest only). */
  plan(manifest, org, tokens, nowSeconds, prune) {
    return plan(this.Module, manifest, org, tokens, nowSeconds, prune);
  }

  /** The audit rules' answer for their JSON input. */
  audit(input) {
    return audit(this.Module, input);
  }

  /** Bytes the tools' allocator has handed out and not got back: for leak tests. */
  heapInUse() {
    return heapInUse(this.Module);
  }
}
