/**
 * Request validation with Docker's 400 shape: `{"fields": {name: [messages]}, "text": "..."}`.
 * Messages follow Django REST framework wording, which Hub's validation errors use
 * ("This field is required.").
 */
import { SCOPES_BY_TYPE } from './scopes.js';
import { parseRfc3339, DAY_US } from './time.js';

export const REQUIRED = 'This field is required.';

/** The manuals' UI limits; each can be switched off with null (see README). */
export const DEFAULT_LIMITS = Object.freeze({
  descriptionMax: 200,
  repositoriesMax: 50,
  expiryMaxDays: 365,
});

/** Builds the 400 body from collected field errors. */
export function valueError(fields) {
  const text = Object.entries(fields)
    .map(([k, v]) => `${k}: ${v.join(' ')}`)
    .join(' ');
  return { fields, text };
}

function collector() {
  const fields = {};
  return {
    fields,
    add(name, msg) {
      (fields[name] ??= []).push(msg);
    },
    get ok() {
      return Object.keys(fields).length === 0;
    },
  };
}

function checkBodyObject(body, c) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = body === null ? 'null' : Array.isArray(body) ? 'list' : typeof body;
    c.add('non_field_errors', `Invalid data. Expected a dictionary, but got ${got}.`);
    return false;
  }
  return true;
}

function checkLabel(body, c, required) {
  if (!('label' in body) && !required) return;
  const v = body.label;
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === ''))
    c.add('label', REQUIRED);
  else if (typeof v !== 'string') c.add('label', 'Not a valid string.');
}

function checkDescription(body, c, limits) {
  if (!('description' in body) || body.description === null) return;
  const v = body.description;
  if (typeof v !== 'string') c.add('description', 'Not a valid string.');
  else if (limits.descriptionMax != null && [...v].length > limits.descriptionMax) {
    c.add('description', `Ensure this field has no more than ${limits.descriptionMax} characters.`);
  }
}

const GLOB_REPO = /^[a-z0-9._*-]+$/;

/**
 * Resources: known type, known scopes for that type, a path that exists in the org
 * (TYPE_REPO: a repository of the org, a glob inside the org, or `*\/*\/public`;
 * TYPE_ORG: the org name), and at most `repositoriesMax` repository entries.
 */
function checkResources(body, c, org, limits) {
  if (!('resources' in body) || body.resources === null) return;
  const list = body.resources;
  if (!Array.isArray(list)) {
    c.add('resources', 'Expected a list of items.');
    return;
  }
  let repoCount = 0;
  list.forEach((r, i) => {
    const at = `resources[${i}]`;
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      c.add('resources', `${at}: Expected an object with type, path and scopes.`);
      return;
    }
    const scopesForType = Object.hasOwn(SCOPES_BY_TYPE, r.type) ? SCOPES_BY_TYPE[r.type] : null;
    if (r.type === undefined || r.type === null) c.add('resources', `${at}.type: ${REQUIRED}`);
    else if (!scopesForType)
      c.add(
        'resources',
        `${at}.type: ${JSON.stringify(r.type)} is not a valid choice (TYPE_REPO, TYPE_ORG).`,
      );
    if (r.path === undefined || r.path === null || r.path === '')
      c.add('resources', `${at}.path: ${REQUIRED}`);
    else if (typeof r.path !== 'string') c.add('resources', `${at}.path: Not a valid string.`);
    else if (r.type === 'TYPE_REPO') {
      repoCount += r.path === '*/*/public' ? 0 : 1;
      const [ns, name, ...rest] = r.path.split('/');
      const ok =
        r.path === '*/*/public' ||
        org.repositories.includes(r.path) ||
        (ns === org.name &&
          rest.length === 0 &&
          name !== undefined &&
          name.includes('*') &&
          GLOB_REPO.test(name));
      if (!ok)
        c.add(
          'resources',
          `${at}.path: ${JSON.stringify(r.path)} is not a repository of ${org.name}; use an existing repository, a glob such as ${org.name}/*, or */*/public.`,
        );
    } else if (r.type === 'TYPE_ORG' && r.path !== org.name) {
      c.add(
        'resources',
        `${at}.path: ${JSON.stringify(r.path)} must be the organization name ${JSON.stringify(org.name)}.`,
      );
    }
    if (!Array.isArray(r.scopes))
      c.add(
        'resources',
        `${at}.scopes: ${r.scopes === undefined || r.scopes === null ? REQUIRED : 'Expected a list of items.'}`,
      );
    else if (r.scopes.length === 0) c.add('resources', `${at}.scopes: This list may not be empty.`);
    else if (scopesForType) {
      for (const s of r.scopes) {
        if (typeof s !== 'string' || !scopesForType.includes(s))
          c.add(
            'resources',
            `${at}.scopes: ${JSON.stringify(s)} is not a valid scope for ${r.type}.`,
          );
      }
    }
  });
  if (limits.repositoriesMax != null && repoCount > limits.repositoriesMax) {
    c.add(
      'resources',
      `A token can access at most ${limits.repositoriesMax} repositories (got ${repoCount}).`,
    );
  }
}

function checkExpiresAt(body, c, nowUs, limits) {
  if (!('expires_at' in body) || body.expires_at === null) return;
  const us = parseRfc3339(body.expires_at);
  if (us === null)
    c.add(
      'expires_at',
      'Datetime has wrong format. Use an RFC 3339 date-time such as 2026-03-18T21:15:40Z.',
    );
  else if (us <= nowUs) c.add('expires_at', 'The expiry date must be in the future.');
  else if (limits.expiryMaxDays != null && us > nowUs + limits.expiryMaxDays * DAY_US) {
    c.add('expires_at', `The expiry date can be at most ${limits.expiryMaxDays} days ahead.`);
  }
}

/**
 * @returns {{ ok: true, value: {label, description, resources, expires_at} } | { ok: false, error: object }}
 */
export function validateCreate(body, org, { nowUs, limits = DEFAULT_LIMITS }) {
  const c = collector();
  if (checkBodyObject(body, c)) {
    checkLabel(body, c, true);
    checkDescription(body, c, limits);
    checkResources(body, c, org, limits);
    checkExpiresAt(body, c, nowUs, limits);
  }
  if (!c.ok) return { ok: false, error: valueError(c.fields) };
  return {
    ok: true,
    value: {
      label: body.label,
      description: body.description ?? '',
      resources: body.resources ?? [],
      expires_at: body.expires_at ?? null,
    },
  };
}

/**
 * PATCH takes label, description, resources, is_active. `expires_at` cannot change after
 * creation: it is refused with 400 (rather than ignored) so a client learns it did nothing.
 */
export function validateUpdate(body, org, { limits = DEFAULT_LIMITS }) {
  const c = collector();
  if (checkBodyObject(body, c)) {
    checkLabel(body, c, false);
    checkDescription(body, c, limits);
    checkResources(body, c, org, limits);
    if ('is_active' in body && typeof body.is_active !== 'boolean')
      c.add('is_active', 'Must be a valid boolean.');
    if ('expires_at' in body)
      c.add('expires_at', 'The expiry date cannot be changed after creation.');
  }
  if (!c.ok) return { ok: false, error: valueError(c.fields) };
  const value = {};
  if ('label' in body) value.label = body.label;
  if ('description' in body) value.description = body.description ?? '';
  if ('resources' in body) value.resources = body.resources ?? [];
  if ('is_active' in body) value.is_active = body.is_active;
  return { ok: true, value };
}

const parseIntParam = (raw, name, c, { min = 1, max = Infinity } = {}) => {
  if (!/^[0-9]+$/.test(raw)) {
    c.add(name, 'A valid integer is required.');
    return null;
  }
  const n = Number(raw);
  if (n < min) {
    c.add(name, `Ensure this value is greater than or equal to ${min}.`);
    return null;
  }
  if (n > max) {
    c.add(name, `Ensure this value is less than or equal to ${max}.`);
    return null;
  }
  return n;
};

/** `page` and `page_size`: integers >= 1, page_size at most 100; defaults 1 and 10. */
export function validatePaging(searchParams) {
  const c = collector();
  const page = searchParams.has('page') ? parseIntParam(searchParams.get('page'), 'page', c) : 1;
  const pageSize = searchParams.has('page_size')
    ? parseIntParam(searchParams.get('page_size'), 'page_size', c, { max: 100 })
    : 10;
  if (!c.ok) return { ok: false, error: valueError(c.fields) };
  return { ok: true, page, pageSize };
}
