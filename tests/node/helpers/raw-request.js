// One HTTP request exactly as written (the path and the Host header as given, no client-side
// normalizing), over a fresh connection: for the servers' own Host, path and header checks.
import http from 'node:http';

/** @returns {Promise<{ status: number, headers: object, body: string, text: string, json: unknown }>}
 * `body` and `text` are the same text; `json` is it parsed, where it is JSON. */
export function raw(base, { method = 'GET', path = '/', headers = {}, body } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body: text, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
