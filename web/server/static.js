/**
 * The static files of the dashboard's server. Only an allow-list is served: the files of
 * web/dashboard/ (at `/`), the browser-loadable modules of bindings/ and bindings/tools/
 * (`/bindings/*.js`, `/bindings/tools/*.js`, among them the scope catalogue the dashboard imports;
 * not bindings/cli/, Node's) and the files of dist/ the page loads. The list is made at start
 * from fixed directories; a request path is looked up in it as a whole string, never joined to a
 * directory, so no path can reach another file.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sendText } from './headers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** bindings/*.js that browsers never load: the Node entry. */
const BINDINGS_NOT_SERVED = new Set(['index.node.js']);

/** The allow-list: request path -> { file, type }. */
export function buildRoutes() {
  const routes = new Map();
  const ext = (name) => name.slice(name.lastIndexOf('.'));
  const add = (urlPath, file) => routes.set(urlPath, { file, type: MIME[ext(file)] });
  const dash = `${ROOT}web/dashboard/`;
  for (const name of readdirSync(dash)) {
    if (/^[\w.-]+\.(html|js|css|svg)$/.test(name)) add(`/${name}`, dash + name);
  }
  add('/', `${dash}index.html`);
  for (const dir of ['bindings/', 'bindings/tools/']) {
    for (const name of readdirSync(`${ROOT}${dir}`)) {
      if (/^[\w.-]+\.js$/.test(name) && !BINDINGS_NOT_SERVED.has(name))
        add(`/${dir}${name}`, `${ROOT}${dir}${name}`);
    }
  }
  add('/dist/dockerhub_oat.mjs', `${ROOT}dist/dockerhub_oat.mjs`);
  add('/dist/dockerhub_oat.wasm', `${ROOT}dist/dockerhub_oat.wasm`);
  // The tools (audit rules, plan), fetched on the dashboard's first audit (bindings/tools/tools.js).
  add('/dist/dockerhub_oat_tools.mjs', `${ROOT}dist/dockerhub_oat_tools.mjs`);
  add('/dist/dockerhub_oat_tools.wasm', `${ROOT}dist/dockerhub_oat_tools.wasm`);
  add('/dist/wasm-url.mjs', `${ROOT}dist/wasm-url.mjs`);
  return routes;
}

/**
 * True when the raw request path is already normal: the URL parser changed nothing (no "." or ".."
 * segment, no backslash) and no segment decodes to "." or ".." or hides a "/" or "\\".
 */
export function cleanPath(rawPath, parsedPath) {
  if (rawPath !== parsedPath) return false;
  for (const segment of rawPath.split('/')) {
    let s;
    try {
      s = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0'))
      return false;
  }
  return true;
}

/** Answers GET and HEAD of one allow-listed file. */
export async function serveFile(req, res, route) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    return sendText(res, 405, 'Method not allowed.\n', { allow: 'GET, HEAD' });
  }
  let body;
  try {
    body = await readFile(route.file);
  } catch {
    return sendText(
      res,
      404,
      route.file.endsWith('.wasm') || route.file.endsWith('.mjs')
        ? 'Not built yet: run `npm run build`.\n'
        : 'Not found.\n',
    );
  }
  res.writeHead(200, {
    'content-type': route.type,
    'content-length': body.length,
    // The HTML must never be cached; the modules are revalidated so a rebuild shows at once.
    'cache-control': route.type.startsWith('text/html') ? 'no-store' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
