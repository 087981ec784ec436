// (tests/package/exports.test.js checks the JS export list.) The WASM exports are written once, in src/wasm/exports.txt: each built module exports exactly
// the dhw_ names listed for it, src/wasm/wasm_exports.h declares every one, and only the boundary
// (bindings/boundary.js) calls them from JS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (p) => readFileSync(`${ROOT}${p}`, 'utf8');

const LISTED = { core: [], tools: [] };
for (const line of read('src/wasm/exports.txt').split('\n')) {
  const m = /^(core|tools) +(\w+)$/.exec(line);
  if (m) LISTED[m[1]].push(m[2]);
}
const BUILT = { core: 'dockerhub_oat', tools: 'dockerhub_oat_tools' };

// The .wasm's own export names are minified (-Oz): the glue's Module maps each to its C name.
test('each module exports exactly its listed functions', async () => {
  for (const [mod, names] of Object.entries(LISTED)) {
    const { default: factory } = await import(`../../dist/${BUILT[mod]}.mjs`);
    const Module = await factory({
      wasmBinary: readFileSync(`${ROOT}dist/${BUILT[mod]}.wasm`),
      locateFile: (p) => p,
      print() {},
      printErr() {},
    });
    const exported = Object.keys(Module)
      .filter((k) => k.startsWith('_') && typeof Module[k] === 'function')
      .map((k) => k.slice(1));
    for (const name of names) assert.ok(exported.includes(name), `${mod} exports ${name}`);
    assert.deepEqual(
      exported.filter((n) => n.startsWith('dhw_')).sort(),
      names.filter((n) => n.startsWith('dhw_')).sort(),
      mod,
    );
  }
});

test('src/wasm/wasm_exports.h declares every listed dhw_ function', () => {
  const header = read('src/wasm/wasm_exports.h');
  const declared = [...header.matchAll(/\b(dhw_\w+)\(/g)].map((m) => m[1]);
  const listed = new Set([...LISTED.core, ...LISTED.tools].filter((n) => n.startsWith('dhw_')));
  assert.deepEqual([...new Set(declared)].sort(), [...listed].sort());
});

test('only the boundary (bindings/boundary.js) calls _dhw_, and only listed functions', () => {
  const calls = {};
  for (const name of readdirSync(`${ROOT}bindings`, { recursive: true }).filter((n) =>
    n.endsWith('.js'),
  )) {
    const used = [...read(`bindings/${name}`).matchAll(/\b_(dhw_\w+)\b/g)].map((m) => m[1]);
    if (used.length) calls[name] = [...new Set(used)];
  }
  assert.deepEqual(Object.keys(calls), ['boundary.js'], 'no other file calls the WASM exports');
  for (const name of calls['boundary.js'])
    assert.ok(LISTED.core.includes(name) || LISTED.tools.includes(name), `${name} is listed`);
});
