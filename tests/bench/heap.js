// Our WASM heap (tests/fixtures/heap.js's heapInUse: bytes malloc has handed out and not got back), in a fresh
// process so nothing else has touched the module: at rest after the first client, the cost of
// one more client, the heap while 32 calls are in flight, and the growth over 1000 calls once
// warm. argv[2]: JSON { peer, baseUrl, token, org, id, createRequest, calls, warmup }.
const args = JSON.parse(process.argv[2]);
const { makeClient } = await import(args.peer);
const client = await makeClient(args);
const { heapInUse } = await import('../fixtures/heap.js');
const heap = () => heapInUse(client.hub);
const out = { at_rest_bytes: heap() };

const second = await makeClient(args);
out.per_client_bytes = heap() - out.at_rest_bytes;
second.close();
out.after_close_bytes = heap();

// 32 in flight: every request is out (the JS strings are already freed, the call, its URL, its
// Authorization header and the emscripten_fetch_t are held) when the launching loop ends; each
// response is copied in, parsed, settled and freed within one callback, so this is the most the
// heap holds between callbacks.
out.in_flight = {};
for (const op of ['get', 'list10', 'list100', 'create']) {
  const before = heap();
  const calls = [];
  for (let i = 0; i < 32; i++) calls.push(client[op]());
  const during = heap();
  await Promise.all(calls);
  out.in_flight[op] = {
    calls: 32,
    before_bytes: before,
    during_bytes: during,
    after_bytes: heap(),
    per_call_bytes: (during - before) / 32,
    during_over_32_bytes: during / 32,
  };
}

// Growth: warm up, then `calls` calls cycling through the four operations.
const ops = ['get', 'list10', 'list100', 'create'];
for (let i = 0; i < args.warmup; i++) await client[ops[i % 4]]();
const before = heap();
for (let i = 0; i < args.calls; i++) await client[ops[i % 4]]();
const after = heap();
out.growth = {
  calls: args.calls,
  warmup_calls: args.warmup,
  before_bytes: before,
  after_bytes: after,
  per_call_bytes: (after - before) / args.calls,
};
client.close();
out.after_all_closed_bytes = heap();
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
