// Types of dockerhub-oat/sandbox (hand-written; checked by `tsc --strict` on tests/types).
// No Node type is imported, so a project without @types/node can use it; the server and the
// request handler's arguments are node:http's.

/** node:http's Server, as far as this package promises. */
export interface SandboxServer {
  address(): unknown;
  close(callback?: (err?: Error) => void): unknown;
  [more: string]: unknown;
}

/** A seed merged onto the built-in world (see web/sandbox/README.md for its fields). */
export type SandboxSeed = Record<string, unknown>;

export interface SandboxOptions {
  seed?: SandboxSeed | SandboxSeed[];
  /** A JSON seed file, merged before `seed`. */
  seedFile?: string;
  /** Keep the state in this file (atomic writes); loaded if present. */
  dataFile?: string;
  /** Requests per minute before 429; default 600. */
  rateLimit?: number;
  /** Lifetime of minted JWTs; default 600 (Docker Hub's 10 minutes). */
  jwtTtlSeconds?: number;
  /** The clock, in milliseconds (for expiry tests). */
  now?: () => number | Date;
  /** One line per request (never a secret): true for stderr, or a function. */
  log?: boolean | ((line: string) => void);
  maxBodyBytes?: number;
  limits?: {
    descriptionMax?: number | null;
    repositoriesMax?: number | null;
    expiryMaxDays?: number | null;
  };
  /** OATs per organization by plan; default { team: 10, business: 100 }. */
  tokenLimits?: Record<string, number>;
  /** false: a JWT from a PAT gets 403 on the OAT routes. Default true. */
  patCanManage?: boolean;
  /** How a 429 says when to retry; default 'seconds'. */
  rateLimitStyle?: 'seconds' | 'unix' | 'x-retry-after' | 'reset-only';
  /** Host names besides loopback that the Host check lets in (the name it was started with). */
  hostNames?: string[];
  /** The origin that `next` links are built from (a server that mounts the handler). */
  origin?: string;
}

export interface StartSandboxOptions extends SandboxOptions {
  /** Default 127.0.0.1; anything but loopback prints a warning. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

export type FaultPreset =
  | 'html502'
  | 'html503'
  | 'html504'
  | 'server-error'
  | 'rate-limited'
  | 'unauthorized'
  | 'bad-json'
  | (string & {});

/** The next `times` requests that match get this answer instead of the normal one. */
export interface FaultSpec {
  preset?: FaultPreset;
  method?: string;
  /** A RegExp, or its source, matched against the path. */
  path?: RegExp | string;
  /** Default 1. */
  times?: number;
  status?: number;
  headers?: Record<string, string | number>;
  body?: string | object;
  delayMs?: number;
  /** Send the headers, then nothing. */
  stall?: boolean;
  /** Reset the connection mid-body. */
  reset?: boolean;
  /** Do the request as usual, then close the connection instead of answering. */
  lose?: boolean;
  /** With a rate-limit-* preset: seconds until the retry, 0..86400 (default 2). */
  waitSeconds?: number;
}

export interface SandboxRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** A successful sign-in: who it was (an OAT by its token id); never the secret. */
  signedIn?: { kind: 'password' | 'pat' | 'oat'; sub: string; tokenId?: string };
}

export interface SandboxCredentials {
  source?: string;
  users: { username: string; password?: string | null; pats: string[] }[];
  orgs: {
    name: string;
    plan: string;
    repositories: string[];
    owners: string[];
    members: string[];
  }[];
  tokens: {
    org: string;
    id: string;
    label: string;
    secret: string;
    status: 'active' | 'inactive' | 'expired';
  }[];
}

export interface MintJwtRequest {
  kind: 'password' | 'pat' | 'oat';
  sub: string;
  org?: string;
  tokenId?: string;
}

export interface SandboxHandler {
  /** node:http's (req, res). */
  handle(req: unknown, res: unknown): void | Promise<void>;
  /** Whether this handler answers this path (/v2/ and /_sandbox). */
  handles(pathname: string): boolean;
  readonly requests: SandboxRequest[];
  readonly counts: Record<string, number>;
  resetRequests(): void;
  readonly credentials: SandboxCredentials;
  mintJwt(auth: MintJwtRequest): string;
  /** This start's control token (header X-Sandbox-Token). */
  readonly controlToken: string;
  close(): void;
  [more: string]: unknown;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Adds one fault or several; returns how many were added. */
  faults(spec: FaultSpec | FaultSpec[]): number;
  clearFaults(): void;
  pendingFaults(): unknown[];
  /** Every request so far (control routes excluded), live. */
  readonly requests: SandboxRequest[];
  /** Requests per route, e.g. "GET /v2/orgs/{name}/access-tokens", live. */
  readonly counts: Record<string, number>;
  resetRequests(): void;
  /** A deep copy of the world (tokens with hashes only). */
  readonly state: unknown;
  /** The seeded secrets, known only when the world came from a seed. */
  readonly credentials: SandboxCredentials;
  mintJwt(auth: MintJwtRequest): string;
  /** This start's control token, sent as the X-Sandbox-Token header of the /_sandbox routes. */
  readonly controlToken: string;
  /** The headers of a control request: the token and the JSON content type. */
  controlHeaders(): Record<string, string>;
  /** One control request over HTTP, e.g. control('POST', '/_sandbox/faults', spec). */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  readonly handler: SandboxHandler;
  readonly server: SandboxServer;
  close(): Promise<void>;
}

export declare function startSandbox(options?: StartSandboxOptions): Promise<Sandbox>;
export declare function createSandboxHandler(options?: SandboxOptions): SandboxHandler;
export declare function isLoopbackHost(host: string): boolean;
export declare const FAULT_PRESETS: Readonly<Record<string, Readonly<FaultSpec>>>;
export declare const REPO_SCOPES: readonly string[];
export declare const ORG_SCOPES: readonly string[];
/** 'x-sandbox-token': the header of the control token. */
export declare const CONTROL_TOKEN_HEADER: string;
export declare const RATE_LIMIT_STYLES: readonly (
  'seconds' | 'unix' | 'x-retry-after' | 'reset-only'
)[];
/** The response headers that only the server sets (a fault may not). */
export declare const PROTECTED_HEADERS: readonly string[];
