// The floor above the network: fetch + JSON.parse, nothing checked but the status.
export const name = 'raw fetch';

export async function makeClient({ baseUrl, token, org, id, createRequest }) {
  const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
  const postHeaders = { ...headers, 'content-type': 'application/json' };
  const tokens = `${baseUrl}/v2/orgs/${encodeURIComponent(org)}/access-tokens`;
  async function call(url, init) {
    const res = await fetch(url, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text);
  }
  const getUrl = `${tokens}/${encodeURIComponent(id)}`;
  return {
    get: () => call(getUrl, { headers }),
    list10: () => call(`${tokens}?page=1&page_size=10`, { headers }),
    list100: () => call(`${tokens}?page=1&page_size=100`, { headers }),
    create: () =>
      call(tokens, { method: 'POST', headers: postHeaders, body: JSON.stringify(createRequest) }),
    close() {},
  };
}
