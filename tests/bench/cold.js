// One start, in a fresh Node process (run.js spawns it once per run and client): import the
// client's module, create a client, make the first call (a get), print the marks.
// Every mark is performance.now(), i.e. milliseconds since this process started (Node's time
// origin), so `start` is Node's own boot and the rest is what the client adds on top.
// With afterFetch, the process first fetch()es once (as a serverless handler usually has, which
// compiles undici's own wasm), and `start` is taken after that.
// argv[2]: JSON { peer: file URL of a peers/ module, baseUrl, token, org, id, createRequest, afterFetch }
const args = JSON.parse(process.argv[2]);
if (args.afterFetch) await (await fetch(`${args.baseUrl}/_bench/ping`)).text();
const start = performance.now();
const peer = await import(args.peer);
const imported = performance.now();
const client = await peer.makeClient(args);
const created = performance.now();
const data = await client.get();
const firstResponse = performance.now();
if (!data || data.id !== args.id) throw new Error('the first call did not return the token');
process.stdout.write(JSON.stringify({ start, imported, created, firstResponse }) + '\n');
process.exit(0); // keep-alive sockets would hold the process open
