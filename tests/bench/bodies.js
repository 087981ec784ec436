// The answers the benchmark's server gives: Docker Hub's shapes (as web/sandbox answers them), with
// realistic field lengths (UUID ids, RFC 3339 times with microseconds, `scope-` scopes), built
// once, deterministically, so every client parses the same bytes.

export const ORG = 'acme';
export const TOKEN_ID = 'a7a5ef25-8889-43a0-8cc7-f2a94268e861';
/** A bearer JWT of a realistic length (the server checks it is sent; nobody decodes it). */
export const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJlbmNoIn0.' +
  Buffer.from(
    JSON.stringify({
      sub: 'acme-owner',
      iss: 'bench',
      aud: 'hub',
      iat: 1770000000,
      exp: 4102444800,
      scope: 'oat',
    }),
  ).toString('base64url') +
  '.' +
  'S'.repeat(342);

const uuid = (i) => {
  const h = (n, w) => ((n * 2654435761) >>> 0).toString(16).padStart(8, '0').slice(0, w);
  return `${h(i + 1, 8)}-${h(i + 7, 4)}-4${h(i + 13, 3)}-8${h(i + 29, 3)}-${h(i + 31, 8)}${h(i + 37, 4)}`;
};
const at = (day, us) =>
  new Date(Date.UTC(2026, 0, 1) + day * 86400000 + (us % 86400000))
    .toISOString()
    .replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);

const RESOURCES = [
  { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
  { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
  {
    type: 'TYPE_ORG',
    path: 'acme',
    scopes: ['scope-member-read', 'scope-audit_events-read', 'scope-repository-list'],
  },
];

/** A list item: Docker Hub's list leaves out the resources and the token value. */
function summary(i) {
  return {
    id: i === 0 ? TOKEN_ID : uuid(i),
    label: `ci-pipeline-${String(i).padStart(3, '0')}`,
    created_by: 'acme-owner',
    is_active: i % 7 !== 3,
    created_at: at(i, 37_123_456 * (i + 1)),
    expires_at: i % 3 === 0 ? null : at(i + 365, 11_000_017 * (i + 3)),
    last_used_at: i % 4 === 0 ? null : at(i + 20, 5_432_109 * (i + 5)),
  };
}

/** GET one token: the summary plus description and resources. */
export const tokenBody = {
  ...summary(0),
  description: 'Pulls and pushes the api image from CI',
  resources: RESOURCES,
};

/** GET a page: { total, next, previous, results }. */
export function pageBody(baseUrl, page, pageSize, total = 250) {
  const first = (page - 1) * pageSize;
  const results = [];
  for (let i = first; i < Math.min(total, first + pageSize); i++) results.push(summary(i));
  const link = (p) =>
    `https://hub.docker.com/v2/orgs/${ORG}/access-tokens?page=${p}&page_size=${pageSize}`;
  return {
    total,
    next: first + pageSize < total ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results,
  };
}

/** What the clients send to create a token. */
export const createRequest = {
  label: 'release-bot',
  description: 'Pushes release images',
  resources: [
    { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
    { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
  ],
  expires_at: '2027-01-01T00:00:00Z',
};

/** The 201 of a create: the token fields without created_by, plus description, resources and the secret. */
export const createBody = {
  id: uuid(999),
  label: createRequest.label,
  description: createRequest.description,
  is_active: true,
  created_at: '2026-03-18T21:15:40.504110Z',
  expires_at: '2027-01-01T00:00:00Z',
  last_used_at: null,
  resources: createRequest.resources,
  token: 'dckr_oat_7awgM4jG5SQvxcvmNzhKj8PQjxo',
};
