/**
 * Listening, for both local servers (the sandbox's and the dashboard's): bind, then the URL a
 * person can open (a wildcard address is shown as 127.0.0.1, localhost stays a name).
 */

/**
 * @param {import('node:http').Server} server
 * @param {number} port 0 picks a free one
 * @param {string} host
 * @returns {Promise<{ port: number, url: string }>}
 */
export async function listen(server, port, host) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  const wildcard = addr.address === '0.0.0.0' || addr.address === '::';
  const shownHost =
    host === 'localhost'
      ? 'localhost'
      : wildcard
        ? '127.0.0.1'
        : addr.family === 'IPv6' || /** @type {any} */ (addr.family) === 6
          ? `[${addr.address}]`
          : addr.address;
  return { port: addr.port, url: `http://${shownHost}:${addr.port}` };
}
