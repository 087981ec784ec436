// The one loopback check that both servers use (web/sandbox/guard.js): where a server may listen
// without a warning, and which peers may call the sandbox's /_sandbox control routes. A peer address
// comes as Node writes it ("::1", "::ffff:127.0.0.1"), a host as a user types it ("[::1]", "LOCALHOST").
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isLoopbackHost } from '../../web/sandbox/index.js';

const octet = fc.integer({ min: 0, max: 255 });

describe('isLoopbackHost', () => {
  test('every 127.0.0.0/8 address is loopback, as written and as an IPv4-mapped peer address', () => {
    fc.assert(
      fc.property(octet, octet, octet, (a, b, c) => {
        const v4 = `127.${a}.${b}.${c}`;
        assert.equal(isLoopbackHost(v4), true, v4);
        assert.equal(isLoopbackHost(`::ffff:${v4}`), true, `::ffff:${v4}`);
        assert.equal(isLoopbackHost(`::FFFF:${v4}`), true, `::FFFF:${v4}`);
      }),
    );
  });

  test('no address outside 127.0.0.0/8 is loopback, mapped or not', () => {
    fc.assert(
      fc.property(
        octet.filter((n) => n !== 127),
        octet,
        octet,
        octet,
        (first, a, b, c) => {
          const v4 = `${first}.${a}.${b}.${c}`;
          assert.equal(isLoopbackHost(v4), false, v4);
          assert.equal(isLoopbackHost(`::ffff:${v4}`), false, `::ffff:${v4}`);
        },
      ),
    );
  });

  test('::1 in either form and localhost in any case are loopback', () => {
    for (const h of ['::1', '[::1]', 'localhost', 'LOCALHOST', 'LocalHost'])
      assert.equal(isLoopbackHost(h), true, h);
  });

  test('names and addresses that only look like loopback are not', () => {
    const fakes = [
      '',
      '0.0.0.0',
      '::',
      '[::]',
      '::2',
      '[::1]:80',
      '127.0.0.1.evil.test',
      'localhost.evil.test',
      'evil-localhost',
      '127.0.0',
      '127.0.0.1:8080',
      '::ffff:10.0.0.1',
      '[[::1]]',
      'x127.0.0.1',
      '127.0.0.1 ',
      ' localhost',
    ];
    for (const h of fakes) assert.equal(isLoopbackHost(h), false, JSON.stringify(h));
    for (const v of [undefined, null, 127, {}])
      assert.equal(isLoopbackHost(/** @type {any} */ (v)), false, String(v));
  });
});
