// Run as a child process: `node tests/probes/globals-probe.js <sandbox url>`.
// Takes a snapshot of globalThis BEFORE the package is loaded (so no static import here: every
// module is loaded with import() after the snapshot), loads the package, makes calls against
// the sandbox, closes the client, and prints one JSON line: what was added, removed or changed.

const describe = (d) => ({
  value: d.value,
  get: d.get,
  set: d.set,
  writable: d.writable,
  enumerable: d.enumerable,
  configurable: d.configurable,
});
function snapshot() {
  const keys = [
    ...Object.getOwnPropertyNames(globalThis),
    ...Object.getOwnPropertySymbols(globalThis),
  ];
  const map = new Map();
  for (const k of keys) map.set(k, describe(Object.getOwnPropertyDescriptor(globalThis, k)));
  return { map, xhr: typeof globalThis.XMLHttpRequest };
}
const name = (k) => (typeof k === 'symbol' ? k.toString() : k);

const baseUrl = process.argv[2];

// Node itself changes globalThis on first use: its lazy globals (AbortController, Headers, ...)
// replace their getters with values when first read, and its fetch() adds a Symbol for undici's
// dispatcher. Settle all of that first, so the snapshot shows only what the package does.
for (const k of Object.getOwnPropertyNames(globalThis)) {
  try {
    void globalThis[k];
  } catch {
    // a getter that throws is left as it is
  }
}
await (await fetch(`${baseUrl}/_sandbox/faults`)).arrayBuffer();

const before = snapshot();

const report = {
  calls: [],
  added: [],
  removed: [],
  changed: [],
  xhrBefore: before.xhr,
  xhrAfter: null,
};
try {
  const { createClient } = await import('../../bindings/index.node.js');
  const hub = await createClient({
    baseUrl,
    credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
  });
  const page = await hub.listAccessTokens('acme');
  report.calls.push(`list:${page.total}`);
  const created = await hub.createAccessToken('acme', {
    label: 'globals-probe',
    resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
  });
  report.calls.push(`create:${typeof created.token}`);
  report.calls.push(`get:${(await hub.getAccessToken('acme', created.id)).id === created.id}`);
  await hub.deleteAccessToken('acme', created.id);
  report.calls.push('delete');
  try {
    await hub.getAccessToken('acme', 'no-such-id');
  } catch (err) {
    report.calls.push(`error:${err.code}`);
  }
  hub.close();
} catch (err) {
  report.failure = String(err?.stack ?? err);
}

if (process.argv[3] === '--canary') {
  // For the test that shows this probe can see a change at all.
  globalThis.dockerhubOatCanary = 1;
  globalThis.escape = (s) => s;
}

const after = snapshot();
report.xhrAfter = after.xhr;
for (const [k, d] of after.map) {
  const old = before.map.get(k);
  if (!old) report.added.push(name(k));
  else if (Object.keys(d).some((f) => !Object.is(d[f], old[f]))) report.changed.push(name(k));
}
for (const k of before.map.keys()) if (!after.map.has(k)) report.removed.push(name(k));
process.stdout.write(`${JSON.stringify(report)}\n`);
