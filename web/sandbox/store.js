/**
 * The sandbox's world: users, organizations, repositories and access tokens.
 * The state is plain JSON (what `sb.state` shows and what `--data` persists);
 * token and PAT secrets are kept only as SHA-256 hashes, passwords salted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { formatMicros, parseRfc3339, toMicros, DAY_US, MINUTE_US } from './time.js';
import { NAMED_SEEDS } from './seed-hygiene.js';
import {
  newOatSecret,
  newPatSecret,
  sha256Hex,
  hashPassword,
  checkPassword,
  hexEqual,
} from './auth/secrets.js';

export const STATE_FORMAT = 'dockerhub-oat-sandbox';
export const DEFAULT_PASSWORD = 'sandbox-password';

/**
 * The built-in world of issue #3, with dates relative to `nowUs` so that the
 * active token stays active and the expired one stays expired whatever the date.
 */
export function defaultSeed(nowUs) {
  const at = (days) => formatMicros(nowUs + Math.round(days * DAY_US));
  return {
    users: [
      { username: 'acme-owner', password: DEFAULT_PASSWORD, pats: [newPatSecret()] },
      { username: 'acme-member', password: DEFAULT_PASSWORD },
      { username: 'globex-owner', password: DEFAULT_PASSWORD },
    ],
    orgs: [
      {
        name: 'acme',
        plan: 'team',
        repositories: ['acme/api', 'acme/web', 'acme/worker'],
        owners: ['acme-owner'],
        members: ['acme-member'],
        tokens: [
          {
            label: 'ci-pull',
            description: 'CI pulls the api image',
            is_active: true,
            created_at: at(-30),
            expires_at: at(60),
            last_used_at: at(-1),
            resources: [
              { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] },
              { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
            ],
          },
          {
            label: 'legacy-deploy',
            description: 'Old deploy job, switched off',
            is_active: false,
            created_at: at(-120),
            expires_at: null,
            last_used_at: at(-100),
            resources: [{ type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-push'] }],
          },
          {
            label: 'q1-audit',
            description: 'Reads the audit log; expired',
            is_active: true,
            created_at: at(-200),
            expires_at: at(-5),
            last_used_at: null,
            resources: [
              {
                type: 'TYPE_ORG',
                path: 'acme',
                scopes: ['scope-audit_events-read', 'scope-activity-read'],
              },
            ],
          },
        ],
      },
      {
        name: 'globex',
        plan: 'team',
        repositories: ['globex/app'],
        owners: ['globex-owner'],
        members: [],
        tokens: [
          {
            label: 'globex-ci',
            description: '',
            is_active: true,
            created_at: at(-10),
            expires_at: null,
            last_used_at: null,
            resources: [{ type: 'TYPE_REPO', path: 'globex/app', scopes: ['scope-image-pull'] }],
          },
        ],
      },
    ],
  };
}

/** A seed given by name ('hygiene': seed-hygiene.js) becomes that seed; anything else is as given. */
function namedSeed(seed, nowUs) {
  if (typeof seed !== 'string') return seed;
  if (!Object.hasOwn(NAMED_SEEDS, seed))
    throw new TypeError(
      `sandbox seed: no seed named ${JSON.stringify(seed)} (${Object.keys(NAMED_SEEDS).join(', ')})`,
    );
  return NAMED_SEEDS[seed](nowUs);
}

/** Merges a user seed onto the defaults by name (shallow per user/org), unless `defaults: false`. */
export function mergeSeed(base, seed) {
  if (seed == null) return base;
  if (typeof seed !== 'object' || Array.isArray(seed))
    throw new TypeError('sandbox seed must be an object');
  const start = seed.defaults === false ? { users: [], orgs: [] } : base;
  const mergeBy = (list, extra, key, what) => {
    if (extra === undefined) return list;
    if (!Array.isArray(extra)) throw new TypeError(`sandbox seed.${what} must be an array`);
    const out = list.map((x) => ({ ...x }));
    for (const item of extra) {
      if (!item || typeof item[key] !== 'string' || !item[key])
        throw new TypeError(`every sandbox seed.${what} entry needs a string "${key}"`);
      const i = out.findIndex((x) => x[key] === item[key].toLowerCase());
      if (i >= 0) out[i] = { ...out[i], ...item, [key]: item[key].toLowerCase() };
      else out.push({ ...item, [key]: item[key].toLowerCase() });
    }
    return out;
  };
  return {
    users: mergeBy(start.users, seed.users, 'username', 'users'),
    orgs: mergeBy(start.orgs, seed.orgs, 'name', 'orgs'),
  };
}

/**
 * Turns a seed (plain secrets, convenience fields) into the stored state and the list of
 * credentials it created (the only place seeded secrets are remembered).
 */
export function buildState(seed, nowUs) {
  const credentials = { users: [], orgs: [], tokens: [] };
  const users = seed.users.map((u) => {
    const password = u.password === undefined ? DEFAULT_PASSWORD : u.password;
    const pats = (u.pats ?? []).map((p) => {
      if (typeof p !== 'string' || !p.startsWith('dckr_pat_'))
        throw new TypeError(
          `sandbox seed: PATs of ${u.username} must be strings starting with dckr_pat_`,
        );
      return p;
    });
    credentials.users.push({ username: u.username, password, pats: [...pats] });
    return {
      username: u.username,
      password: password === null ? null : hashPassword(String(password)),
      pats: pats.map((p, i) => ({ label: `pat-${i + 1}`, sha256: sha256Hex(p) })),
    };
  });
  const orgs = seed.orgs.map((o) => {
    const plan = String(o.plan ?? 'team').toLowerCase();
    const repositories = (o.repositories ?? [])
      .map((r) => String(r).toLowerCase())
      .map((r) => (r.includes('/') ? r : `${o.name}/${r}`));
    const owners = (o.owners ?? []).map((x) => String(x).toLowerCase());
    const members = (o.members ?? []).map((x) => String(x).toLowerCase());
    credentials.orgs.push({
      name: o.name,
      plan,
      repositories: [...repositories],
      owners: [...owners],
      members: [...members],
    });
    const tokens = [];
    const add = (t, i) => {
      if (!t || typeof t.label !== 'string')
        throw new TypeError(`sandbox seed: every token of ${o.name} needs a string label`);
      const secret = t.secret ?? newOatSecret();
      const rec = {
        id: t.id ?? randomUUID(),
        label: t.label,
        description: t.description ?? '',
        created_by: t.created_by ?? owners[0] ?? 'sandbox',
        is_active: t.is_active ?? true,
        created_at: formatMicros(
          t.created_at != null ? toMicros(t.created_at) : nowUs - (i + 1) * DAY_US,
        ),
        expires_at: t.expires_at != null ? formatMicros(toMicros(t.expires_at)) : null,
        last_used_at: t.last_used_at != null ? formatMicros(toMicros(t.last_used_at)) : null,
        resources: structuredClone(t.resources ?? []),
        sha256: sha256Hex(secret),
      };
      tokens.push(rec);
      const expired = rec.expires_at !== null && toMicros(rec.expires_at) <= nowUs;
      credentials.tokens.push({
        org: o.name,
        id: rec.id,
        label: rec.label,
        secret,
        status: !rec.is_active ? 'inactive' : expired ? 'expired' : 'active',
      });
    };
    (o.tokens ?? []).forEach(add);
    const n = o.generateTokens ?? 0;
    if (!Number.isInteger(n) || n < 0)
      throw new TypeError(
        `sandbox seed: generateTokens of ${o.name} must be a non-negative integer`,
      );
    const base = tokens.length;
    for (let i = 0; i < n; i++) {
      // Minutes apart and older than the explicit tokens, so the order is predictable: token-0001 is the newest.
      add(
        {
          label: `token-${String(i + 1).padStart(4, '0')}`,
          description: `Generated token ${i + 1}`,
          created_at: nowUs - (base + 1) * DAY_US - (i + 1) * MINUTE_US,
          resources: [{ type: 'TYPE_REPO', path: `${o.name}/*`, scopes: ['scope-image-pull'] }],
        },
        base + i,
      );
    }
    return { name: o.name, plan, repositories, owners, members, tokens };
  });
  return { state: { format: STATE_FORMAT, version: 1, users, orgs }, credentials };
}

/** Throws an Error describing the first problem in a loaded state file. */
export function checkState(s) {
  const fail = (m) => {
    throw new Error(m);
  };
  if (!s || typeof s !== 'object' || s.format !== STATE_FORMAT)
    fail(`not a sandbox state (expected "format": "${STATE_FORMAT}")`);
  if (s.version !== 1) fail(`unsupported version ${JSON.stringify(s.version)}`);
  if (!Array.isArray(s.users) || !Array.isArray(s.orgs)) fail('"users" and "orgs" must be arrays');
  const strs = (a, what) => {
    if (!Array.isArray(a) || a.some((x) => typeof x !== 'string'))
      fail(`${what} must be an array of strings`);
  };
  for (const u of s.users) {
    if (!u || typeof u.username !== 'string') fail('a user lacks "username"');
    if (
      u.password !== null &&
      (typeof u.password?.salt !== 'string' || typeof u.password?.hash !== 'string')
    )
      fail(`user ${u.username}: bad password record`);
    if (!Array.isArray(u.pats) || u.pats.some((p) => typeof p?.sha256 !== 'string'))
      fail(`user ${u.username}: bad "pats"`);
  }
  for (const o of s.orgs) {
    if (!o || typeof o.name !== 'string' || typeof o.plan !== 'string')
      fail('an org lacks "name" or "plan"');
    strs(o.repositories, `org ${o.name}: repositories`);
    strs(o.owners, `org ${o.name}: owners`);
    strs(o.members, `org ${o.name}: members`);
    if (!Array.isArray(o.tokens)) fail(`org ${o.name}: "tokens" must be an array`);
    for (const t of o.tokens) {
      if (
        !t ||
        typeof t.id !== 'string' ||
        typeof t.label !== 'string' ||
        typeof t.is_active !== 'boolean'
      )
        fail(`org ${o.name}: a token lacks id/label/is_active`);
      if (typeof t.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(t.sha256))
        fail(`token ${t.id}: bad "sha256"`);
      for (const k of ['created_at', 'expires_at', 'last_used_at']) {
        if (t[k] === null && k !== 'created_at') continue;
        if (parseRfc3339(t[k]) === null) fail(`token ${t.id}: bad "${k}"`);
      }
      if (!Array.isArray(t.resources)) fail(`token ${t.id}: "resources" must be an array`);
    }
  }
}

/**
 * Writes a file atomically: a new temporary file beside it, fsync, then rename over it. The
 * temporary name is random and opened O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600, so a file or a
 * link planted at a name someone guessed is never opened, followed or written through; the rename
 * replaces the directory entry itself, so the data file is a regular file after every save, even
 * where a link stood (its target is left as it was).
 */
export function writeFileAtomic(file, text) {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = openSync(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    fchmodSync(fd, 0o600); // whatever the umask
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
}

/**
 * The in-memory store, optionally mirrored to a data file after every change.
 */
export class Store {
  /**
   * @param {{ seed?: object | object[], dataFile?: string, clock: () => number }} opts
   *   several seeds are merged in order onto the built-in world
   */
  constructor({ seed, dataFile, clock }) {
    this.clock = clock;
    this.dataFile = dataFile || null;
    if (this.dataFile && existsSync(this.dataFile)) {
      let state;
      try {
        state = JSON.parse(readFileSync(this.dataFile, 'utf8'));
        checkState(state);
      } catch (err) {
        throw new Error(
          `sandbox: data file ${this.dataFile} is corrupt (${err.message}); refusing to start and leaving the file untouched. Fix it, or move it away to start from the seed.`,
        );
      }
      this.state = state;
      this.credentials = { source: 'data-file', users: [], orgs: [], tokens: [] };
    } else {
      const nowUs = clock();
      let world = defaultSeed(nowUs);
      for (const s of Array.isArray(seed) ? seed : [seed])
        world = mergeSeed(world, namedSeed(s, nowUs));
      const { state, credentials } = buildState(world, nowUs);
      this.state = state;
      this.credentials = { source: 'seed', ...credentials };
      this.save();
    }
  }

  save() {
    if (this.dataFile) writeFileAtomic(this.dataFile, `${JSON.stringify(this.state, null, 2)}\n`);
  }

  /** A deep copy, so tests can read but not change the world. */
  snapshot() {
    return structuredClone(this.state);
  }

  org(name) {
    const n = String(name).toLowerCase();
    return this.state.orgs.find((o) => o.name === n) ?? null;
  }

  user(name) {
    const n = String(name).toLowerCase();
    return this.state.users.find((u) => u.username === n) ?? null;
  }

  /** Newest first; equal creation times keep the later-created token first. */
  listTokens(org) {
    return org.tokens
      .map((t, i) => ({ t, i, us: toMicros(t.created_at) }))
      .sort((a, b) => b.us - a.us || b.i - a.i)
      .map((x) => x.t);
  }

  token(org, id) {
    return org.tokens.find((t) => t.id === id) ?? null;
  }

  isExpired(t, nowUs = this.clock()) {
    return t.expires_at !== null && toMicros(t.expires_at) <= nowUs;
  }

  /**
   * Checks credentials as POST /v2/auth/token does.
   * @returns {{ kind: 'password'|'pat'|'oat', sub: string, org?: string, tokenId?: string } | null}
   */
  authenticate(identifier, secret) {
    if (typeof identifier !== 'string' || typeof secret !== 'string' || !identifier || !secret)
      return null;
    const org = this.org(identifier);
    if (org) {
      if (!secret.startsWith('dckr_oat_')) return null;
      const h = sha256Hex(secret);
      const t = org.tokens.find((x) => hexEqual(x.sha256, h));
      if (!t || !t.is_active || this.isExpired(t)) return null;
      t.last_used_at = formatMicros(this.clock());
      this.save();
      return { kind: 'oat', sub: org.name, org: org.name, tokenId: t.id };
    }
    const user = this.user(identifier);
    if (!user) return null;
    if (secret.startsWith('dckr_pat_')) {
      const h = sha256Hex(secret);
      return user.pats.some((p) => hexEqual(p.sha256, h))
        ? { kind: 'pat', sub: user.username }
        : null;
    }
    return user.password && checkPassword(secret, user.password)
      ? { kind: 'password', sub: user.username }
      : null;
  }

  /** @returns {{ record: object, secret: string }} */
  createToken(org, { label, description, resources, expires_at }, createdBy) {
    const secret = newOatSecret();
    const record = {
      id: randomUUID(),
      label,
      description: description ?? '',
      created_by: createdBy,
      is_active: true,
      created_at: formatMicros(this.clock()),
      expires_at: expires_at == null ? null : formatMicros(toMicros(expires_at)),
      last_used_at: null,
      resources: structuredClone(resources ?? []),
      sha256: sha256Hex(secret),
    };
    org.tokens.push(record);
    this.save();
    return { record, secret };
  }

  updateToken(t, patch) {
    for (const k of ['label', 'description', 'is_active'])
      if (patch[k] !== undefined) t[k] = patch[k];
    if (patch.resources !== undefined) t.resources = structuredClone(patch.resources);
    this.save();
    return t;
  }

  deleteToken(org, t) {
    org.tokens.splice(org.tokens.indexOf(t), 1);
    this.save();
  }
}
