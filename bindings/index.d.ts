// Types of the dockerhub-oat package (hand-written; checked by `tsc --strict` on tests/types).
// Data objects carry Docker Hub's wire names; options are camelCase.

export type ErrorCode =
  | 'invalid_argument'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'unexpected_status'
  | 'invalid_response'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'closed';

export declare const ERROR_CODES: readonly ErrorCode[];

/** The one error every failure rejects with. Never holds a secret. */
/**
 * Codes: 'invalid_argument' is also the code when the wasm cannot be loaded or compiled (a bad
 * `wasm` option, or a host or bundler that did not ship the package's own): the message says what
 * to pass as `wasm`.
 */
export declare class DockerHubError extends Error {
  readonly name: 'DockerHubError';
  readonly code: ErrorCode;
  /** HTTP status; 0 where there was no response. */
  readonly status: number;
  readonly detail?: string;
  readonly text?: string;
  readonly errinfo?: Record<string, unknown>;
  readonly fields?: Record<string, unknown>;
  /** Seconds to wait, from Retry-After or X-Retry-After (seconds, a unix time or an HTTP date),
   * or on a 429 without either from X-RateLimit-Reset. */
  readonly retryAfter?: number;
  /** `network` only: what the host's fetch() rejected with. Browsers give no reason. */
  cause?: unknown;
  /** On a create that failed after the request went out: the token may exist; list before retrying. */
  readonly maybeCreated?: boolean;
  /** findAccessToken's 'conflict': the ids of the tokens that share the label. */
  readonly ids?: string[];
  /** Response headers, names lower-case. */
  readonly headers?: Record<string, string>;
  /** planAccessTokens: the manifest's line the refusal is about. */
  readonly line?: number;
  toJSON(): Record<string, unknown>;
}

export type ResourceType = 'TYPE_REPO' | 'TYPE_ORG';

export interface Resource {
  type: ResourceType;
  /** TYPE_REPO: "org/repo", a glob "org/*", or "*\/*\/public"; TYPE_ORG: the organization. */
  path: string;
  scopes: string[];
}

/** A resource as sent: read-only lists (SCOPES.*, SCOPES.PUBLIC_READ) pass as they are. */
export interface ResourceInput {
  readonly type: ResourceType;
  readonly path: string;
  readonly scopes: readonly string[];
}

/** A token as listed (no resources). Unknown fields the server adds pass through. */
export interface AccessTokenSummary {
  id: string;
  label: string;
  created_by?: string;
  is_active: boolean;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  [field: string]: unknown;
}

export interface AccessToken extends AccessTokenSummary {
  description?: string | null;
  resources: Resource[];
}

/** create's answer: the secret `token` is shown this once; there is no created_by. */
export interface CreatedAccessToken extends AccessToken {
  token: string;
}

export interface AccessTokenPage {
  total: number;
  next: string | null;
  previous: string | null;
  results: AccessTokenSummary[];
}

export interface CreateAccessTokenRequest {
  label: string;
  description?: string;
  resources?: readonly ResourceInput[];
  /** RFC 3339 date-time; null or absent: never expires. Cannot change later. */
  expires_at?: string | null;
}

export interface UpdateAccessTokenRequest {
  label?: string;
  description?: string;
  resources?: readonly ResourceInput[];
  is_active?: boolean;
}

export interface HttpInfo<T> {
  data: T;
  status: number;
  /** Names lower-case. */
  headers: Record<string, string>;
}

/** What deleteAccessTokenWithHttpInfo resolves with. */
export interface DeleteHttpInfo extends HttpInfo<undefined> {
  /** Set (status 404) when a retry, after an attempt whose answer was lost, found the token gone:
   * that attempt may have deleted it. The token is gone either way. */
  alreadyDeleted?: true;
}

export interface RateLimit {
  limit: number | null;
  remaining: number | null;
  /** Unix seconds. */
  reset: number | null;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends CallOptions {
  /** From 1; default 1. */
  page?: number;
  /** 1 to 100; default 10. */
  pageSize?: number;
}

export interface ListAllOptions extends CallOptions {
  /** 1 to 100; default 100. */
  pageSize?: number;
}

/** How rotateAccessToken retires the old token once the new one exists. */
export type RetireMode = 'deactivate' | 'delete' | 'keep';

export interface RotateOptions extends CallOptions {
  /** Default 'deactivate' (PATCH is_active=false); 'delete' removes it; 'keep' leaves it as it is. */
  retire?: RetireMode;
}

/**
 * The new token (with its secret, shown this once) and what became of the old one. A failed
 * retire does not reject: the new token is there, retired is false and retireError says why.
 */
export type RotateResult =
  | { token: CreatedAccessToken; retired: true; retireError: null }
  | { token: CreatedAccessToken; retired: false; retireError: DockerHubError | null };

// ---- tokens as code (planAccessTokens, applyAccessTokens; the manifest: schema/tokens.schema.json)

/** Scope names with or without their "scope-" prefix. */
export interface ManifestResources {
  /** Repository path (ORG/REPO or a glob ORG/*) to its scopes. */
  repositories?: Record<string, string[]>;
  /** The organization's scopes. */
  org?: string[];
  /** Pull access to all public repositories. */
  public_read?: boolean;
}

export interface ManifestToken {
  /** Match this token by id instead of by label (to rename it). */
  id?: string;
  description?: string;
  resources?: ManifestResources;
  /** "90d", "12w", "1y" after creation, "2027-01-31", an RFC 3339 date-time, or "never" (default). */
  expires?: string;
  /** Default true. */
  active?: boolean;
  /** Where a new secret goes (the CLI's apply): a command's stdin (no shell), or a new 0600 file. */
  secret?: SecretTarget;
}

export type SecretTarget = { exec: string } | { out: string };

export interface Manifest {
  $schema?: string;
  version?: 1;
  /** Keyed by label: unique within the organization. */
  tokens: Record<string, ManifestToken>;
}

export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'unmanaged' | 'unchanged';
export type PlanChange = 'label' | 'description' | 'resources' | 'active' | 'expiry';

/** The org's token as it was when the plan was made. */
export interface PlanBefore {
  label: string | null;
  description: string | null;
  is_active: boolean;
  created_at: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  resources: Resource[];
}

export interface PlanStep {
  action: PlanAction;
  label: string;
  /** The org's token; absent for a create. */
  id?: string;
  before?: PlanBefore;
  /** The manifest's line of this entry; absent for delete and unmanaged. */
  line?: number;
  expires?: string;
  active?: boolean;
  secret?: SecretTarget | null;
  changes?: PlanChange[];
  /** What is sent: a create's whole body (create, replace) or an update's changed fields. */
  request?: CreateAccessTokenRequest & UpdateAccessTokenRequest;
}

export interface AccessTokenPlan {
  org: string;
  prune: boolean;
  /** Steps that change something (create, update, replace, delete). */
  changes: number;
  /** The manifest's entries in its order, then the tokens it does not list. */
  steps: PlanStep[];
  /** The plan in words, as a diff. */
  text: string;
}

export interface PlanOptions extends CallOptions {
  /** Delete the tokens the manifest does not list. Default false. */
  prune?: boolean;
  /** Milliseconds since the epoch, for new tokens' expiry. Default Date.now(). */
  now?: number;
}

export interface SecretHandOver {
  label: string;
  id: string;
  /** The new token, with its secret in .token: shown this once. */
  token: CreatedAccessToken;
  /** The manifest's "secret" for this token, if it has one. */
  secret: SecretTarget | null;
}

export interface ApplyStepEvent {
  index: number;
  count: number;
  action: 'create' | 'update' | 'replace' | 'delete';
  label: string;
  id: string | null;
  status: 'started' | 'done' | 'failed';
  /** A create's or replace's new token. */
  newId?: string;
  error?: DockerHubError;
}

export interface ApplyOptions extends CallOptions {
  /** Gets each new secret; required when the plan creates. A rejection stops the apply. */
  onSecret?: (handOver: SecretHandOver) => void | Promise<void>;
  onStep?: (event: ApplyStepEvent) => void;
}

/** What apply did: it stops at the first failure. */
export interface ApplyResult {
  ok: boolean;
  done: PlanStep[];
  failed: PlanStep | null;
  notDone: PlanStep[];
  /** maybeCreated: true when a create's answer was lost: it is not sent again. */
  error: DockerHubError | null;
}

/** Token hygiene: see README "Token hygiene". Rules from the C core (dh_audit_*). */
export type Severity = 'low' | 'medium' | 'high';
export type FindingKind = 'expired' | 'inactive' | 'unused' | 'expiring' | 'no_expiry' | 'broad';
export type BroadReason = 'admin' | 'delete' | 'org_write' | 'wildcard' | 'public_with_private';

export interface AuditOptions extends CallOptions {
  /** The clock: a Date or milliseconds since the epoch. Default: now. */
  now?: Date | number;
  /** A token not used for this many days (or never used and this old) is unused. Default 90. */
  unusedDays?: number;
  /** A token expiring within this many days is expiring. Default 14. */
  expiringDays?: number;
  /** The organization's token limit, if known; or the plan, whose documented limit is used. */
  limit?: number | null;
  plan?: 'team' | 'business';
  /** GETs of token resources in flight at once. Default 4 (1..16). */
  concurrency?: number;
  onProgress?: (progress: { phase: 'list' | 'resources'; done: number; total: number }) => void;
}

export interface Finding {
  tokenId: string;
  label: string;
  kind: FindingKind;
  severity: Severity;
  /** A sentence for people, in English. */
  sentence: string;
  /** expired: days since; unused: days since last use (or creation); expiring: whole days left. */
  days?: number;
  /** The moment the finding rests on (expiry, last use or creation), ISO 8601. */
  at?: string;
  /** unused only. */
  neverUsed?: boolean;
  /** broad only. */
  reason?: BroadReason;
  path?: string;
  scopes?: string[];
}

export interface AuditSummary {
  /** Every token counts toward the limit, expired and inactive ones too. */
  tokens: number;
  active: number;
  inactive: number;
  expired: number;
  limit: number | null;
  available: number | null;
  atLimit: boolean;
  findings: number;
  flaggedTokens: number;
  bySeverity: Record<Severity, number>;
  worst: Severity | null;
  /** "Tokens used: 7 of 10", or "Tokens: 7" where the limit is unknown. */
  usage: string;
}

export interface AuditReport {
  org: string;
  /** The clock the audit ran at, ISO 8601 (whole seconds). */
  now: string;
  unusedDays: number;
  expiringDays: number;
  summary: AuditSummary;
  /** Every token, with its resources and its findings. */
  tokens: (AccessToken & { findings: Finding[] })[];
  /** Every finding, grouped by token. */
  findings: Finding[];
}

export interface Credentials {
  /** A username (password or PAT), or an organization name (OAT). */
  identifier: string;
  secret: string;
}

export interface ClientOptions {
  /** Default https://hub.docker.com */
  baseUrl?: string;
  /** A bearer JWT, or a function returning one (sync or async). */
  token?: string | (() => string | Promise<string>);
  /** Exchanged at POST /v2/auth/token for a JWT. */
  credentials?: Credentials;
  /** Default 30000. Bounds each call, retries and sign-in included; for listAllAccessTokens, each
   * page's fetch (the time the consumer spends between pages does not count). */
  timeoutMs?: number;
  /** Default 3. */
  maxRetries?: number;
  /** A longer response body is refused with code 'invalid_response'. 1 to 2^32 - 1; default 16 MiB. */
  maxResponseBytes?: number;
  /**
   * Each host's entry finds the package's own wasm; pass it only to use another copy: the module
   * (for hosts that forbid compiling at run time), its bytes, or where to fetch it. Failing to load
   * or compile it rejects createClient with 'invalid_argument'; a fetch of it is bounded by timeoutMs.
   */
  wasm?: WebAssembly.Module | BufferSource | URL | string;
}

export interface Client {
  /** From the last response that carried X-RateLimit-*, else null. */
  readonly rateLimit: RateLimit | null;

  listAccessTokens(org: string, options?: ListOptions): Promise<AccessTokenPage>;
  listAccessTokensWithHttpInfo(org: string, options?: ListOptions): Promise<HttpInfo<AccessTokenPage>>;
  listAllAccessTokens(org: string, options?: ListAllOptions): AsyncGenerator<AccessTokenSummary, void, undefined>;

  createAccessToken(org: string, request: CreateAccessTokenRequest, options?: CallOptions): Promise<CreatedAccessToken>;
  createAccessTokenWithHttpInfo(
    org: string,
    request: CreateAccessTokenRequest,
    options?: CallOptions,
  ): Promise<HttpInfo<CreatedAccessToken>>;

  getAccessToken(org: string, id: string, options?: CallOptions): Promise<AccessToken>;
  getAccessTokenWithHttpInfo(org: string, id: string, options?: CallOptions): Promise<HttpInfo<AccessToken>>;

  updateAccessToken(
    org: string,
    id: string,
    request: UpdateAccessTokenRequest,
    options?: CallOptions,
  ): Promise<AccessToken>;
  updateAccessTokenWithHttpInfo(
    org: string,
    id: string,
    request: UpdateAccessTokenRequest,
    options?: CallOptions,
  ): Promise<HttpInfo<AccessToken>>;

  deleteAccessToken(org: string, id: string, options?: CallOptions): Promise<void>;
  deleteAccessTokenWithHttpInfo(org: string, id: string, options?: CallOptions): Promise<DeleteHttpInfo>;

  /**
   * The token whose label is exactly `label` (its summary, as the list gives it), or null when no
   * token has it. Docker Hub does not keep labels unique: when several tokens have it, rejects with
   * 'conflict' (status 0) and their `ids`. Reads the whole list, page after page.
   */
  findAccessToken(org: string, label: string, options?: CallOptions): Promise<AccessTokenSummary | null>;

  /**
   * Creates a token with the old one's label, description, resources and expiry span (from now),
   * then retires the old one as asked. Rejects, with the old token untouched, if the read or the
   * create fails; resolves with retired: false and retireError if only the retire fails.
   */
  rotateAccessToken(org: string, id: string, options?: RotateOptions): Promise<RotateResult>;

  /**
   * What would make the org's tokens match the manifest (its JSON text, whose errors then name the
   * line, or an object). Rejects with invalid_argument (and `line`) for a refused manifest, before
   * any request.
   */
  planAccessTokens(org: string, manifest: string | Manifest, options?: PlanOptions): Promise<AccessTokenPlan>;
  /** Does the plan, step by step; rejects with 'conflict', before any change, if the org changed. */
  applyAccessTokens(org: string, plan: AccessTokenPlan, options?: ApplyOptions): Promise<ApplyResult>;

  /** Lists every token, reads each one's resources, and returns the findings and a summary. */
  auditAccessTokens(org: string, options?: AuditOptions): Promise<AuditReport>;

  /** Frees the client; calls in flight and later calls reject with code 'closed'. */
  close(): void;
}

export declare function createClient(options?: ClientOptions): Promise<Client>;

/** The audit as a markdown document: the usage line and one table row per finding. */
export declare function auditMarkdown(report: AuditReport): string;
/** True when the report holds a finding at or above the severity (what `audit --fail-on` gates on). */
export declare function hasFindingAtLeast(report: AuditReport, severity: Severity): boolean;
/** What a clean-up would delete: expired and inactive tokens by default, unused ones on request. */
export declare function pruneCandidates(
  report: AuditReport,
  which?: { expired?: boolean; inactive?: boolean; unusedDays?: number | null },
): { id: string; label: string; reason: 'expired' | 'inactive' | 'unused'; sentence: string }[];
export declare const SEVERITIES: readonly Severity[];

export declare const SCOPES: {
  readonly TYPE_REPO: {
    readonly image: readonly ['scope-image-pull', 'scope-image-push', 'scope-image-delete'];
    readonly repository: readonly ['scope-repository-read', 'scope-repository-edit', 'scope-repository-admin'];
    readonly tag: readonly ['scope-tag-read', 'scope-tag-admin'];
    readonly webhook: readonly ['scope-webhook-read', 'scope-webhook-edit', 'scope-webhook-admin'];
    readonly repoGroup: readonly ['scope-repo-group-read', 'scope-repo-group-edit', 'scope-repo-group-admin'];
    readonly settings: readonly ['scope-repository-settings-admin'];
  };
  readonly TYPE_ORG: readonly string[];
  /** A resource: pass it in `resources` as it is. */
  readonly PUBLIC_READ: { readonly type: 'TYPE_REPO'; readonly path: '*/*/public'; readonly scopes: readonly ['scope-image-pull'] };
};
