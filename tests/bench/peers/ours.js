// Ours: the package's Node entry with a bearer string (no sign-in).
import { createClient } from '../../../bindings/index.node.js';

export const name = 'ours';

export async function makeClient({ baseUrl, token, org, id, createRequest }) {
  const hub = await createClient({ baseUrl, token });
  return {
    hub,
    get: () => hub.getAccessToken(org, id),
    list10: () => hub.listAccessTokens(org, { page: 1, pageSize: 10 }),
    list100: () => hub.listAccessTokens(org, { page: 1, pageSize: 100 }),
    create: () => hub.createAccessToken(org, createRequest),
    close: () => hub.close(),
  };
}
