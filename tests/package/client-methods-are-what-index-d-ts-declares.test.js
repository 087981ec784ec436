// A client has the members bindings/index.d.ts declares for it, and no others: nothing a test or
// the benchmark needs (the WASM heap probes of tests/fixtures/heap.js) sits on the public Client,
// and nothing declared is missing at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import ts from 'typescript';
import { createClient } from '../../bindings/index.node.js';

/** The member names of `interface Client` in index.d.ts. */
async function declared() {
  const file = new URL('../../bindings/index.d.ts', import.meta.url);
  const source = ts.createSourceFile(
    'index.d.ts',
    await readFile(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const client = source.statements.find(
    (s) => ts.isInterfaceDeclaration(s) && s.name.text === 'Client',
  );
  assert.ok(client, 'index.d.ts declares interface Client');
  return client.members.map((m) => m.name.getText(source)).sort();
}

test('the Client a user gets has exactly the members index.d.ts declares', async () => {
  const hub = await createClient({ token: 'x', baseUrl: 'http://127.0.0.1:9' });
  try {
    const proto = Object.getPrototypeOf(hub);
    const runtime = [...Object.getOwnPropertyNames(proto), ...Object.keys(hub)]
      .filter((n) => n !== 'constructor')
      .concat(Object.getOwnPropertySymbols(proto).map((s) => `[${s.description}]`));
    assert.deepEqual([...new Set(runtime)].sort(), await declared());
  } finally {
    hub.close();
  }
});
