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
  | 'closed'
  /** A new token's secret could not be handed over (rotate, apply); the message says what became of it. */
  | 'handover_failed';

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

/**
 * How rotateAccessToken retires the old token once the new one is proven and handed over. In
 * every mode the old token loses the label, so the org holds exactly one token with it:
 * 'deactivate' (default): relabelled `LABEL~retired~delete-after-T` and deactivated (with
 * overlapSeconds: `LABEL~retired~active-until-T1~delete-after-T2`, left active until T1);
 * 'delete': deleted now; 'keep': relabelled and left active until it is deleted after the grace.
 * A later prune or apply deactivates it after T1 and deletes it after T (see parseRetired).
 */
export type RetireMode = 'deactivate' | 'delete' | 'keep';

/** The phases of a rotation, in order ('undo' only after a failed verify or handover). */
export type RotatePhase = 'read' | 'create' | 'verify' | 'handover' | 'retire' | 'undo';

export interface RotatePhaseEvent {
  phase: RotatePhase;
  status: 'started' | 'done' | 'failed';
  /** The old token's id. */
  id: string;
  /** The new token's id, from the create on. */
  newId?: string;
  /** retire: what became of the old token, and its new label. */
  as?: 'deactivated' | 'deleted' | 'overlap';
  label?: string | null;
  error?: DockerHubError;
}

export interface RotateOptions extends CallOptions {
  retire?: RetireMode;
  /** The new token's expiry (RFC 3339) or null (never). Default: the old token's lifetime
   * (expires_at - created_at) from now, so a relative expiry in a manifest still matches. */
  expiresAt?: string | null;
  /** The new token's description. Default: the old one's. */
  description?: string;
  /** With retire 'deactivate': the old token stays active this long (an overlap). */
  overlapSeconds?: number;
  /** The retired token is deleted by a later prune or apply after this long. Default 7 days. */
  graceSeconds?: number;
  /** Sign in with the new token (POST /v2/auth/token as the org) before the hand-over. Default true. */
  verify?: boolean;
  /** Phase 3: put the new secret where it is used. A throw (or rejection) deletes the new token
   * again and rejects with code 'handover_failed'; the old token is untouched. */
  handOver?: (token: CreatedAccessToken) => void | Promise<void>;
  /** Each phase as it starts, ends or fails. A throw here changes nothing. */
  onPhase?: (event: RotatePhaseEvent) => void;
  /** The clock (ms since the epoch) for the expiry span and the retired label. Default Date.now(). */
  now?: number;
}

/**
 * The new token (with its secret, shown this once) and what became of the old one. A failure
 * before the retire rejects with a RotateError (the old token untouched and working, the new one
 * deleted again). A failed retire does not reject: the new token is in place and handed over,
 * retired is false, retireError says why, and the old token still holds the label.
 */
export type RotateResult =
  | (RotateResultBase & {
      retired: true;
      retiredAs: 'deactivated' | 'deleted' | 'overlap';
      retireError: null;
    })
  | (RotateResultBase & { retired: false; retiredAs: null; retireError: DockerHubError });

export interface RotateResultBase {
  token: CreatedAccessToken;
  old: { id: string; label: string };
  /** The old token's label now, e.g. "ci-pull~retired~delete-after-2026-12-14T21:44Z". */
  retiredLabel: string | null;
  /** When a later prune or apply deactivates it (an overlap), ISO 8601, else null. */
  activeUntil: string | null;
  /** When a later prune or apply deletes it, ISO 8601, else null. */
  deleteAfter: string | null;
}

/** What rotateAccessToken rejects with after the create: which phase failed, and whether the
 * new token was deleted again (`undone`). */
export interface RotateError extends DockerHubError {
  phase?: 'verify' | 'handover';
  newId?: string;
  undone?: boolean;
}

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
  /** Nd, Nw or Ny: plan proposes a rotation of a token created that long ago; apply does it. */
  rotate_every?: string;
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

/** 'retired': a token a rotation retired (LABEL~retired~...), waiting out its grace; a retired
 * token past its overlap is an 'update' (deactivate), past its grace a 'delete', on any apply. */
/** 'rotate': the entry's rotate_every is due (verified phases, the old token retired with a 7-day grace). */
export type PlanAction =
  'create' | 'update' | 'replace' | 'delete' | 'unmanaged' | 'unchanged' | 'retired' | 'rotate';
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
  /** A token retired by a rotation: when its overlap and its grace end (ISO 8601). */
  retired?: { deleteAfter: string; activeUntil: string | null };
  /** An entry with rotate_every: when its token is next due (ISO 8601), and whether it is now. */
  rotate_every?: string;
  rotation_due?: string;
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
  /** "sha256:HEX" of the org's tokens the plan was made from (all but last_used_at):
   * applyAccessTokens refuses the plan, before any change, once they no longer give it. */
  stateDigest?: string;
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
  /** Checked between steps only: once aborted, the step in flight finishes and no other starts
   * (the result has ok: false, stopped: true, failed: null, the rest in notDone, an 'aborted'
   * error). `signal`, by contrast, cancels the requests in flight. */
  stop?: AbortSignal;
  /** The clock (ms) for the retired labels of rotations. Default Date.now(). */
  now?: number;
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
  /** The command that fixes it, as argv (['dockerhub-oat', 'rotate', ID, '--expires', '90d']),
   * or null where a person must decide (broad scopes, a retired token in its grace). */
  fix: string[] | null;
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
  listAccessTokensWithHttpInfo(
    org: string,
    options?: ListOptions,
  ): Promise<HttpInfo<AccessTokenPage>>;
  listAllAccessTokens(
    org: string,
    options?: ListAllOptions,
  ): AsyncGenerator<AccessTokenSummary, void, undefined>;

  createAccessToken(
    org: string,
    request: CreateAccessTokenRequest,
    options?: CallOptions,
  ): Promise<CreatedAccessToken>;
  createAccessTokenWithHttpInfo(
    org: string,
    request: CreateAccessTokenRequest,
    options?: CallOptions,
  ): Promise<HttpInfo<CreatedAccessToken>>;

  getAccessToken(org: string, id: string, options?: CallOptions): Promise<AccessToken>;
  getAccessTokenWithHttpInfo(
    org: string,
    id: string,
    options?: CallOptions,
  ): Promise<HttpInfo<AccessToken>>;

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
  deleteAccessTokenWithHttpInfo(
    org: string,
    id: string,
    options?: CallOptions,
  ): Promise<DeleteHttpInfo>;

  /**
   * The token whose label is exactly `label` (its summary, as the list gives it), or null when no
   * token has it. Docker Hub does not keep labels unique: when several tokens have it, rejects with
   * 'conflict' (status 0) and their `ids`. Reads the whole list, page after page.
   */
  findAccessToken(
    org: string,
    label: string,
    options?: CallOptions,
  ): Promise<AccessTokenSummary | null>;

  /**
   * Creates a token with the old one's label, description, resources and expiry span (from now),
   * then retires the old one as asked. Rejects, with the old token untouched, if the read or the
   * create fails; resolves with retired: false and retireError if only the retire fails.
   */
  rotateAccessToken(org: string, id: string, options?: RotateOptions): Promise<RotateResult>;

  /**
   * Signs in as `org` with an organization access token's secret (POST /v2/auth/token), through a
   * client of its own on the same base URL, and resolves whether Docker Hub took it (a 401: false).
   * The sign-in is made by a read of `probeId`, which Docker Hub answers 403 to a JWT from an OAT.
   */
  verifyAccessToken(
    org: string,
    secret: string,
    probeId: string,
    options?: CallOptions,
  ): Promise<boolean>;

  /**
   * What would make the org's tokens match the manifest (its JSON text, whose errors then name the
   * line, or an object). Rejects with invalid_argument (and `line`) for a refused manifest, before
   * any request.
   */
  planAccessTokens(
    org: string,
    manifest: string | Manifest,
    options?: PlanOptions,
  ): Promise<AccessTokenPlan>;
  /** Does the plan, step by step; rejects with 'conflict', before any change, if the org changed. */
  applyAccessTokens(
    org: string,
    plan: AccessTokenPlan,
    options?: ApplyOptions,
  ): Promise<ApplyResult>;

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
): {
  id: string;
  label: string;
  reason: 'expired' | 'inactive' | 'unused' | 'retired';
  sentence: string;
}[];
export declare const SEVERITIES: readonly Severity[];

export declare const SCOPES: {
  readonly TYPE_REPO: {
    readonly image: readonly ['scope-image-pull', 'scope-image-push', 'scope-image-delete'];
    readonly repository: readonly [
      'scope-repository-read',
      'scope-repository-edit',
      'scope-repository-admin',
    ];
    readonly tag: readonly ['scope-tag-read', 'scope-tag-admin'];
    readonly webhook: readonly ['scope-webhook-read', 'scope-webhook-edit', 'scope-webhook-admin'];
    readonly repoGroup: readonly [
      'scope-repo-group-read',
      'scope-repo-group-edit',
      'scope-repo-group-admin',
    ];
    readonly settings: readonly ['scope-repository-settings-admin'];
  };
  readonly TYPE_ORG: readonly string[];
  /** A resource: pass it in `resources` as it is. */
  readonly PUBLIC_READ: {
    readonly type: 'TYPE_REPO';
    readonly path: '*/*/public';
    readonly scopes: readonly ['scope-image-pull'];
  };
};

/** What a retired token's label says (see RetireMode), or null for any other label. Times are ms. */
export declare function parseRetired(
  label: string,
): { label: string; activeUntil: number | null; deleteAfter: number } | null;
/** The label rotateAccessToken gives a retired token (times in ms, rounded up to the minute). */
export declare function retiredLabel(
  label: string,
  when: { deleteAfter: number; activeUntil?: number },
): string;
