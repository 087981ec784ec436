// A fetch() that answers from memory what server.js answers over HTTP (same bodies, same
// headers), for measuring the clients' own CPU work without a socket, a server or undici's
// connection handling: ab.js --no-network and profile.js --no-network. Installed on globalThis
// before the clients are made (ours captures fetch when its module is instantiated).
import { ORG, TOKEN_ID, tokenBody, pageBody, createBody } from './bodies.js';

export function installFakeFetch() {
  const enc = (o) => new TextEncoder().encode(JSON.stringify(o));
  const bodies = {
    get: enc(tokenBody),
    create: enc(createBody),
    list10: enc(pageBody('', 1, 10)),
    list100: enc(pageBody('', 1, 100)),
  };
  const listPath = `/v2/orgs/${ORG}/access-tokens`;
  let served = 0;
  const answer = (status, body) => {
    served++;
    return new Response(body, {
      status,
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.byteLength),
        'x-ratelimit-limit': '1800',
        'x-ratelimit-remaining': String(1799 - (served % 1800)),
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 60000) * 60),
        'strict-transport-security': 'max-age=31536000',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'deny',
        'cache-control': 'no-store',
        date: new Date().toUTCString(),
        connection: 'keep-alive',
        'keep-alive': 'timeout=60',
      },
    });
  };
  globalThis.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    const method = (init.method ?? input.method ?? 'GET').toUpperCase();
    if (method === 'POST' && init.body !== undefined) await new Response(init.body).arrayBuffer();
    if (method === 'POST' && url.pathname === listPath) return answer(201, bodies.create);
    if (method === 'GET' && url.pathname === `${listPath}/${TOKEN_ID}`)
      return answer(200, bodies.get);
    if (method === 'GET' && url.pathname === listPath)
      return answer(200, bodies[`list${url.searchParams.get('page_size')}`]);
    return answer(404, enc({ message: 'no route' }));
  };
}
