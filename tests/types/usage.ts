// A typed walk through the whole public API of dockerhub-oat. Never run: `tsc --strict` checks it
// (tests/package/types.test.js). Every `@ts-expect-error` line must stay an error, or tsc fails.
import {
  createClient,
  DockerHubError,
  ERROR_CODES,
  SCOPES,
  auditMarkdown,
  hasFindingAtLeast,
  pruneCandidates,
  SEVERITIES,
  parseRetired,
  retiredLabel,
} from 'dockerhub-oat';
import { startSandbox, type FaultSpec, type Sandbox } from 'dockerhub-oat/sandbox';
import type {
  AccessToken,
  AccessTokenPage,
  AccessTokenPlan,
  ApplyResult,
  Manifest,
  PlanAction,
  PlanStep,
  AccessTokenSummary,
  AuditOptions,
  AuditReport,
  Finding,
  Severity,
  Client,
  ClientOptions,
  CreateAccessTokenRequest,
  CreatedAccessToken,
  ErrorCode,
  HttpInfo,
  RateLimit,
  Resource,
  ResourceInput,
  RetireMode,
  RotateOptions,
  RotateResult,
  RotatePhase,
  RotatePhaseEvent,
  UpdateAccessTokenRequest,
} from 'dockerhub-oat';

const ORG = 'acme';

// ---- options: every key, both kinds of auth, every kind of wasm source
const withCredentials: ClientOptions = {
  baseUrl: 'http://127.0.0.1:4010',
  credentials: { identifier: 'acme-owner', secret: 'from-the-environment' },
  timeoutMs: 30_000,
  maxRetries: 3,
  maxResponseBytes: 16 * 1024 * 1024,
};
const withToken: ClientOptions = { token: 'eyJ.a.b' };
const withTokenFn: ClientOptions = { token: async () => 'eyJ.a.b' };
const withSyncTokenFn: ClientOptions = { token: () => 'eyJ.a.b' };
declare const precompiled: WebAssembly.Module;
const wasmSources: ClientOptions[] = [
  { wasm: precompiled },
  { wasm: new Uint8Array(8) },
  { wasm: new ArrayBuffer(8) },
  { wasm: new URL('https://cdn.example/dockerhub_oat.wasm') },
  { wasm: '/static/dockerhub_oat.wasm' },
];

// @ts-expect-error: options are camelCase (baseUrl), not baseURL
const badOption: ClientOptions = { baseURL: 'https://hub.docker.com' };
// @ts-expect-error: credentials need both identifier and secret
const badCredentials: ClientOptions = { credentials: { identifier: 'acme-owner' } };

function describeToken(t: AccessTokenSummary): string {
  // Wire names, exactly as Docker Hub sends them.
  const by: string | undefined = t.created_by;
  const active: boolean = t.is_active;
  const created: string = t.created_at;
  const expires: string | null = t.expires_at;
  const lastUsed: string | null = t.last_used_at;
  // @ts-expect-error: camelCase is not a wire name; unknown extra fields are `unknown`, not string
  const wrong: string = t.createdBy;
  return `${t.id} ${t.label} ${by ?? '-'} ${active} ${created} ${expires ?? 'never'} ${lastUsed ?? 'never'} ${String(wrong)}`;
}

function describeError(err: unknown): string {
  if (!(err instanceof DockerHubError)) throw err;
  const code: ErrorCode = err.code;
  const status: number = err.status;
  switch (err.code) {
    case 'timeout':
      return `timed out${err.maybeCreated ? ': the token may have been created, list before retrying' : ''}`;
    case 'rate_limited':
      return `wait ${err.retryAfter ?? 60} s (${err.headers?.['x-ratelimit-reset'] ?? '?'})`;
    case 'bad_request':
      return `fix ${Object.keys(err.fields ?? {}).join(', ')}: ${err.text ?? err.message}`;
    case 'unauthorized':
    case 'forbidden':
      return `${err.message} ${err.detail ?? ''} ${JSON.stringify(err.errinfo ?? {})}`;
    case 'invalid_argument':
    case 'not_found':
    case 'conflict':
    case 'server_error':
    case 'unexpected_status':
    case 'invalid_response':
    case 'network':
    case 'aborted':
    case 'closed':
    case 'handover_failed':
      return `${code} ${status}`;
    // @ts-expect-error: not an error code (it is not_found)
    case 'notfound':
      return 'never';
    default: {
      const exhaustive: never = err.code;
      return exhaustive;
    }
  }
}

function isRetryable(err: DockerHubError): boolean {
  // @ts-expect-error: a hyphen instead of the underscore: no overlap with ErrorCode
  if (err.code === 'rate-limited') return true;
  return (
    ERROR_CODES.includes(err.code) && (err.code === 'rate_limited' || err.code === 'server_error')
  );
}

async function walk(hub: Client, signal: AbortSignal): Promise<void> {
  // ---- list: one page, with HTTP info, and every page through the async iterator
  const page: AccessTokenPage = await hub.listAccessTokens(ORG, { page: 1, pageSize: 10, signal });
  const total: number = page.total;
  const next: string | null = page.next;
  const previous: string | null = page.previous;
  page.results.forEach((t) => describeToken(t));
  const info: HttpInfo<AccessTokenPage> = await hub.listAccessTokensWithHttpInfo(ORG);
  const remaining: string | undefined = info.headers['x-ratelimit-remaining'];
  let seen = 0;
  for await (const t of hub.listAllAccessTokens(ORG, { pageSize: 100, signal })) {
    seen += t.is_active ? 1 : 0;
  }
  // @ts-expect-error: listAll has no page option
  hub.listAllAccessTokens(ORG, { page: 2 });

  // ---- create
  // The SCOPES lists and SCOPES.PUBLIC_READ go in as they are, read-only.
  const resources: ResourceInput[] = [
    { type: 'TYPE_REPO', path: 'acme/api', scopes: SCOPES.TYPE_REPO.image },
    { type: 'TYPE_ORG', path: ORG, scopes: SCOPES.TYPE_ORG },
    SCOPES.PUBLIC_READ,
  ];
  const pull: 'scope-image-pull' = SCOPES.TYPE_REPO.image[0];
  // @ts-expect-error: the lists are read-only
  SCOPES.TYPE_REPO.image.push('scope-image-pull');
  const request: CreateAccessTokenRequest = {
    label: 'ci-push',
    description: 'CI pushes images',
    resources,
    expires_at: new Date(Date.now() + 90 * 86400e3).toISOString(),
  };
  const created: CreatedAccessToken = await hub.createAccessToken(ORG, request, { signal });
  const secret: string = created.token;
  const createdInfo: HttpInfo<CreatedAccessToken> = await hub.createAccessTokenWithHttpInfo(ORG, {
    label: 'x',
    expires_at: null,
  });
  // @ts-expect-error: the wire name is expires_at
  await hub.createAccessToken(ORG, { label: 'x', expiresAt: null });
  // @ts-expect-error: label is required
  await hub.createAccessToken(ORG, { description: 'no label' });
  // @ts-expect-error: a resource type Docker Hub does not have
  const badResource: Resource = { type: 'TYPE_REPOSITORY', path: 'acme/api', scopes: [] };

  // ---- get, update, delete
  const got: AccessToken = await hub.getAccessToken(ORG, created.id, { signal });
  const paths: string[] = got.resources.map((r) => r.path);
  const answered: Resource[] = got.resources;
  await hub.updateAccessToken(ORG, got.id, { resources: answered });
  const change: UpdateAccessTokenRequest = { label: 'ci-push-2', is_active: false };
  const updated: AccessToken = await hub.updateAccessToken(ORG, got.id, change);
  // @ts-expect-error: isActive is not the wire name (is_active)
  await hub.updateAccessToken(ORG, got.id, { isActive: false });
  // @ts-expect-error: the expiry cannot change after creation
  await hub.updateAccessToken(ORG, got.id, { expires_at: null });
  const updatedInfo: HttpInfo<AccessToken> = await hub.updateAccessTokenWithHttpInfo(ORG, got.id, {
    description: '',
  });
  const byLabel: AccessTokenSummary | null = await hub.findAccessToken(ORG, 'ci-push-2', {
    signal,
  });
  const foundId: string | undefined = byLabel?.id;
  // @ts-expect-error: a label is a string
  await hub.findAccessToken(ORG, 42);
  const nothing: void = await hub.deleteAccessToken(ORG, updated.id);
  const deleted: HttpInfo<undefined> = await hub.deleteAccessTokenWithHttpInfo(
    ORG,
    createdInfo.data.id,
  );

  // ---- rotation
  const modes: RetireMode[] = ['deactivate', 'delete', 'keep'];
  const options: RotateOptions = { retire: modes[1] ?? 'deactivate', signal };
  const rotated: RotateResult = await hub.rotateAccessToken(ORG, got.id, options);
  const newSecret: string = rotated.token.token;
  if (rotated.retired) {
    const none: null = rotated.retireError;
    void none;
  } else if (rotated.retireError) {
    const why: string = describeError(rotated.retireError);
    void why;
  }
  await hub.rotateAccessToken(ORG, got.id);
  const phases: RotatePhase[] = [];
  const verified: RotateResult = await hub.rotateAccessToken(ORG, got.id, {
    expiresAt: null,
    description: 'd',
    retire: 'deactivate',
    overlapSeconds: 3600,
    graceSeconds: 7 * 86400,
    handOver: async (t: CreatedAccessToken) => {
      void t.token;
    },
    onPhase: (e: RotatePhaseEvent) => {
      phases.push(e.phase);
    },
  });
  const retiredAs: string | null = verified.retiredAs;
  const label: string | null = verified.retiredLabel;
  const parsed = parseRetired(label ?? '');
  const deleteAfter: number | undefined = parsed?.deleteAfter;
  const signsIn: boolean = await hub.verifyAccessToken(ORG, newSecret, got.id);
  const relabel: string = retiredLabel('ci-pull', { deleteAfter: Date.now() });
  void retiredAs;
  void deleteAfter;
  void signsIn;
  void relabel;
  // @ts-expect-error: 'revoke' is not a retire mode
  await hub.rotateAccessToken(ORG, got.id, { retire: 'revoke' });

  // ---- tokens as code
  const manifest: Manifest = {
    version: 1,
    tokens: {
      'ci-pull': {
        expires: '90d',
        resources: { repositories: { 'acme/api': ['image-pull'] } },
        secret: { out: 'ci.token' },
      },
    },
  };
  const plan: AccessTokenPlan = await hub.planAccessTokens(ORG, manifest, { prune: true });
  const fromText = await hub.planAccessTokens(ORG, '{"tokens": {}}');
  const actions: PlanAction[] = plan.steps.map((s: PlanStep) => s.action);
  const applied: ApplyResult = await hub.applyAccessTokens(ORG, plan, {
    onSecret: async ({ token, secret: where }) => {
      void [token.token, where];
    },
    onStep: (e) => {
      void [e.status, e.newId];
    },
  });
  const lost: boolean | undefined = applied.error?.maybeCreated;
  // @ts-expect-error: a manifest's tokens are keyed by label, not listed
  const badManifest: Manifest = { tokens: [{ label: 'x' }] };
  // @ts-expect-error: 'rename' is not a plan action
  const badAction: PlanAction = 'rename';
  // ---- audit
  const auditOptions: AuditOptions = {
    now: new Date('2026-12-01T00:00:00Z'),
    unusedDays: 90,
    expiringDays: 14,
    plan: 'team',
    concurrency: 4,
    signal,
  };
  const audit: AuditReport = await hub.auditAccessTokens(ORG, auditOptions);
  const first: Finding | undefined = audit.tokens[0]?.findings[0];
  const worst: Severity | null = audit.summary.worst;
  const usage: string = audit.summary.usage;
  const resourcesOfAudited: Resource[] | undefined = audit.tokens[0]?.resources;
  // @ts-expect-error: 'urgent' is not a severity
  const badSeverity: Severity = 'urgent';
  // @ts-expect-error: the plan is 'team' or 'business'
  await hub.auditAccessTokens(ORG, { plan: 'free' });
  const markdown: string = auditMarkdown(audit);
  const gate: boolean = hasFindingAtLeast(audit, SEVERITIES[2] ?? 'high');
  const prunable: string[] = pruneCandidates(audit, { unusedDays: 180 }).map((c) => c.reason);
  // @ts-expect-error: 'urgent' is not a severity to gate on
  hasFindingAtLeast(audit, 'urgent');
  void [first, worst, usage, resourcesOfAudited, badSeverity, markdown, gate, prunable];

  // ---- rate limit and closing
  const rate: RateLimit | null = hub.rateLimit;
  const left: number | null = rate ? rate.remaining : null;
  // @ts-expect-error: rateLimit is read-only
  hub.rateLimit = null;
  hub.close();

  void [
    pull,
    foundId,
    total,
    next,
    previous,
    remaining,
    seen,
    secret,
    paths,
    updatedInfo,
    nothing,
    deleted,
    newSecret,
    left,
    badResource,
    fromText,
    actions,
    lost,
    badManifest,
    badAction,
  ];
}

async function main(): Promise<void> {
  const hub = await createClient(withCredentials);
  const controller = new AbortController();
  try {
    await walk(hub, controller.signal);
  } catch (err) {
    console.error(describeError(err), isRetryable(err as DockerHubError));
  } finally {
    hub.close();
  }
  await createClient();
  void [withToken, withTokenFn, withSyncTokenFn, wasmSources, badOption, badCredentials];
}

// ---- the sandbox, typed
async function sandbox(): Promise<void> {
  const sb: Sandbox = await startSandbox({ port: 0, rateLimit: 100, jwtTtlSeconds: 600 });
  const fault: FaultSpec = { method: 'POST', path: 'access-tokens$', status: 503, times: 1 };
  const added: number = sb.faults([fault, { preset: 'html502' }]);
  const hub = await createClient({
    baseUrl: sb.url,
    credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
  });
  await hub.listAccessTokens(ORG);
  const lists: number | undefined = sb.counts['GET /v2/orgs/{name}/access-tokens'];
  const paths: string[] = sb.requests.map((r) => r.path);
  const owner: string | undefined = sb.credentials.users[0]?.username;
  // @ts-expect-error: the port is a number
  const port: string = sb.port;
  hub.close();
  await sb.close();
  void [added, lists, paths, owner, port];
}

void main();
void sandbox();
