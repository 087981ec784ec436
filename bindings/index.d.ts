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
  /** Seconds to wait, from Retry-After or X-Retry-After. */
  readonly retryAfter?: number;
  /** On a create that failed after the request went out: the token may exist; list before retrying. */
  readonly maybeCreated?: boolean;
  /** Response headers, names lower-case. */
  readonly headers?: Record<string, string>;
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
  /** Default 30000. */
  timeoutMs?: number;
  /** Default 3. */
  maxRetries?: number;
  /** A longer response body is refused with code 'invalid_response'. Default 16 MiB. */
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
  deleteAccessTokenWithHttpInfo(org: string, id: string, options?: CallOptions): Promise<HttpInfo<undefined>>;

  /**
   * Creates a token with the old one's label, description, resources and expiry span (from now),
   * then retires the old one as asked. Rejects, with the old token untouched, if the read or the
   * create fails; resolves with retired: false and retireError if only the retire fails.
   */
  rotateAccessToken(org: string, id: string, options?: RotateOptions): Promise<RotateResult>;

  /** Frees the client; calls in flight and later calls reject with code 'closed'. */
  close(): void;
}

export declare function createClient(options?: ClientOptions): Promise<Client>;

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
