// A sentence of the C core says C's names (base_url, page_size, max_response_bytes: the fields a C
// programmer sets), and reaches a JS user in the JS names (baseUrl, pageSize, maxResponseBytes),
// by one table, bindings/words.js. The C sources hold no JS name in a string, and every sentence
// of the core that reaches JS without a status goes through that table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '../../bindings/index.node.js';
import { inJsWords } from '../../bindings/words.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JS_ONLY = /\b(baseUrl|pageSize|maxResponseBytes|timeoutMs|maxRetries)\b/;

/** Every .c file under dir, recursively (the folders may move; the rule does not). */
function cFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return cFiles(path);
    return e.name.endsWith('.c') ? [path] : [];
  });
}

test('no C string literal names a JS option: the C core speaks C', () => {
  const found = [];
  for (const file of [...cFiles(join(ROOT, 'src')), ...cFiles(join(ROOT, 'bindings'))]) {
    for (const literal of readFileSync(file, 'utf8').match(/"(?:[^"\\\n]|\\.)*"/g) ?? [])
      if (JS_ONLY.test(literal)) found.push(`${file.slice(ROOT.length)}: ${literal}`);
  }
  assert.deepEqual(found, []);
});

test('the table turns each C name into its JS name, whole words only', () => {
  assert.equal(inJsWords('base_url must name a host'), 'baseUrl must name a host');
  assert.equal(
    inJsWords('page_size must be a whole number from 1 to 100'),
    'pageSize must be a whole number from 1 to 100',
  );
  assert.equal(
    inJsWords('larger than max_response_bytes; list the tokens'),
    'larger than maxResponseBytes; list the tokens',
  );
  assert.equal(inJsWords('my_page_size and base_urls stay'), 'my_page_size and base_urls stay');
});

test("createClient refuses a base URL the C core refuses, in the JS user's words", async () => {
  for (const baseUrl of [
    'http://127.0.0.1:9/?q=1',
    'http://127.0.0.1:9/#x',
    'http://127.0.0.1:0',
  ]) {
    await assert.rejects(createClient({ baseUrl, token: 't' }), (err) => {
      assert.equal(err.code, 'invalid_argument');
      assert.match(err.message, /^createClient: baseUrl must /);
      assert.doesNotMatch(err.message, /base_url/);
      return true;
    });
  }
});
