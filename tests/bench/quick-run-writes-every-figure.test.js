// The benchmark (tests/bench/run.js, `npm run bench`) still runs: a --quick smoke run exits 0
// and writes every figure the full run writes, on every host it measures (Node, Deno, Bun and
// workerd), and prints issue 23's table. The figures themselves are not judged here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../bench/run.js', import.meta.url));
const OPS = ['get', 'list10', 'list100', 'create'];
const CLIENTS = ['ours', 'openapi_fetch', 'raw_fetch'];

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function number(obj, path) {
  const v = path.split('.').reduce((o, k) => o?.[k], obj);
  assert.equal(typeof v, 'number', `${path} is a number (got ${JSON.stringify(v)})`);
  assert.ok(Number.isFinite(v), `${path} is finite`);
  return v;
}

test('npm run bench -- --quick exits 0 and writes every figure', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dh-bench-'));
  try {
    const out = join(dir, 'bench.json');
    const { code, out: text } = await run(['--quick', '--out', out]);
    assert.equal(code, 0, text);
    const r = JSON.parse(await readFile(out, 'utf8'));

    assert.equal(r.config.quick, true);
    for (const k of ['cpu', 'node']) assert.equal(typeof r.machine[k], 'string');
    assert.ok(number(r, 'machine.cores') >= 1);
    assert.deepEqual(Object.keys(r.clients).sort(), [...CLIENTS].sort());

    for (const op of OPS) {
      for (const c of CLIENTS) {
        assert.ok(number(r, `latency.${op}.${c}.median_ms`) > 0);
        assert.ok(number(r, `latency.${op}.${c}.p99_ms`) >= r.latency[op][c].median_ms);
        assert.ok(number(r, `throughput.${op}.${c}.calls_per_s`) > 0);
        assert.ok(number(r, `throughput.${op}.${c}.cpu_us_per_call`) > 0);
        assert.ok(number(r, `client_only.${c}.${op}.median_us`) > 0);
      }
      for (const peer of ['openapi_fetch', 'raw_fetch']) {
        for (const k of [
          'latency_median',
          'latency_p99',
          'throughput',
          'cpu_per_call',
          'client_only',
        ])
          number(r, `ratios.ours_over_${peer}.${k}.${op}`);
      }
    }
    for (const peer of ['openapi_fetch', 'raw_fetch']) {
      number(r, `ratios.ours_over_${peer}.cold_start_first_response`);
      number(r, `ratios.ours_over_${peer}.payload_total_gzip`);
    }

    assert.ok(number(r, 'cold_start.runs') >= 1);
    for (const c of CLIENTS) {
      for (const k of [
        'first_response_ms',
        'node_boot_ms',
        'import_ms',
        'create_client_ms',
        'first_call_ms',
        'import_and_create_ms',
        'spawn_to_exit_ms',
      ])
        number(r, `cold_start.${c}.${k}`);
    }

    for (const c of CLIENTS) {
      for (const k of ['client_start_ms', 'import_ms', 'create_client_ms', 'first_call_ms'])
        number(r, `start_after_fetch.${c}.${k}`);
    }
    for (const peer of ['openapi_fetch', 'raw_fetch'])
      number(r, `ratios.ours_over_${peer}.start_after_fetch`);

    // The other hosts ran (a host that could not would leave { error } and fail here).
    for (const c of ['ours', 'openapi_fetch']) {
      for (const host of ['deno_start', 'bun_start'])
        assert.ok(number(r, `hosts.${host}.${c}.client_start_ms`) > 0, host);
      for (const op of OPS) assert.ok(number(r, `hosts.bun_per_call.${c}.${op}.median_ms`) > 0);
      for (const op of OPS) assert.ok(number(r, `hosts.deno_per_call.${c}.${op}.median_ms`) > 0);
      assert.ok(number(r, `hosts.workerd_per_call.${c}.get.median_ms`) > 0);
      assert.ok(number(r, `hosts.workerd_start.${c}.first_request_ms`) > 0);
      number(r, `hosts.workerd_start.${c}.boot_to_first_answer_ms`);
    }

    // Issue 23's table: every row has both figures and its ratio.
    assert.equal(r.summary.length, 14);
    for (const bundler of ['esbuild', 'vite']) {
      assert.ok(
        number(r, `payload.one_call.${bundler}.ours.wasm_gzip_bytes`) > 0,
        'the core .wasm is counted',
      );
      assert.ok(
        !Object.keys(r.payload.one_call[bundler].ours.files).some((f) =>
          /^(tools|plan|audit|rotate)-[\w]{8}\.js$|_tools/.test(f),
        ),
        'no tool is counted',
      );
    }
    for (const row of r.summary) {
      for (const k of ['ours', 'openapi_fetch', 'ratio'])
        assert.equal(typeof row[k], 'number', `${row.measure}: ${k}`);
      assert.equal(typeof row.target, 'string');
    }
    assert.match(text, /issue 23: ours against openapi-fetch/);
    assert.match(text, /start after fetch\(\)/);

    for (const k of [
      'js_bytes',
      'js_gzip_bytes',
      'wasm_bytes',
      'wasm_gzip_bytes',
      'total_gzip_bytes',
    ]) {
      assert.ok(number(r, `payload.ours.${k}`) > 0);
      assert.ok(number(r, `payload.ours_one_call.${k}`) > 0);
    }
    for (const k of ['js_bytes', 'js_gzip_bytes', 'total_gzip_bytes'])
      assert.ok(number(r, `payload.openapi_fetch.${k}`) > 0);

    assert.ok(number(r, 'heap.at_rest_bytes') > 0);
    number(r, 'heap.per_client_bytes');
    for (const op of OPS) {
      assert.equal(number(r, `heap.in_flight.${op}.calls`), 32);
      number(r, `heap.in_flight.${op}.during_bytes`);
      number(r, `heap.in_flight.${op}.per_call_bytes`);
      number(r, `heap.in_flight.${op}.during_over_32_bytes`);
    }
    number(r, 'heap.growth.before_bytes');
    number(r, 'heap.growth.after_bytes');
    number(r, 'heap.growth.per_call_bytes');
    assert.ok(number(r, 'heap.growth.calls') > 0);

    assert.match(text, /ours\/openapi-fetch/, 'the table has the ratio columns');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
