// A saved plan does what it prints, and nothing else. apply --plan sends each step's request as it
// is in the file, and the digest only proves the file was not changed by accident (anyone who can
// write the file can recompute it). So every step is checked against what formatPlan shows of it,
// field by field: a request key, a step field or a hand-over option the reviewer was not shown is
// refused before any request. The org's side (`id`, `before`) is checked by apply itself against
// the tokens it reads (bindings/tools/plan.js checkStillFits).

const STEP_KEYS = new Set([
  'action',
  'label',
  'id',
  'before',
  'rotate_every',
  'rotation_due',
  'line',
  'expires',
  'active',
  'secret',
  'changes',
  'request',
  'retired',
]);
const ACTIONS = new Set([
  'unchanged',
  'create',
  'update',
  'replace',
  'delete',
  'unmanaged',
  'rotate',
  'retired',
]);
const CREATE_KEYS = ['label', 'description', 'resources', 'expires_at'];
// An update's request holds exactly the fields its `changes` name, each printed from here.
const UPDATE_KEY = {
  label: 'label',
  description: 'description',
  resources: 'resources',
  active: 'is_active',
};
const CHANGES = new Set(['label', 'description', 'resources', 'active', 'expiry']);

const isString = (v) => typeof v === 'string';
const sortedResources = (rs) =>
  JSON.stringify(
    (rs ?? [])
      .map((r) => ({ type: r.type, path: r.path, scopes: [...r.scopes].sort() }))
      .sort((a, b) => (`${a.type} ${a.path}` < `${b.type} ${b.path}` ? -1 : 1)),
  );

/** Resources as the plan prints them: a repository or the org, a path, scope names. */
function resourcesOk(rs) {
  return (
    Array.isArray(rs) &&
    rs.every(
      (r) =>
        r &&
        typeof r === 'object' &&
        Object.keys(r).every((k) => ['type', 'path', 'scopes'].includes(k)) &&
        (r.type === 'TYPE_REPO' || (r.type === 'TYPE_ORG' && r.path !== '*/*/public')) &&
        isString(r.path) &&
        Array.isArray(r.scopes) &&
        r.scopes.every(isString),
    )
  );
}

/** The hand-over as the plan prints it: a command (always run without a shell) or a file. */
function secretOk(secret) {
  if (secret === null || secret === undefined) return true;
  const keys = secret && typeof secret === 'object' ? Object.keys(secret) : [];
  return (
    keys.length === 1 && (keys[0] === 'exec' || keys[0] === 'out') && isString(secret[keys[0]])
  );
}

/** Why `s` does something its printed words do not show, or null. */
export function stepMismatch(s) {
  if (!s || typeof s !== 'object' || !ACTIONS.has(s.action)) return 'is not a step a plan makes';
  const unknown = Object.keys(s).find((k) => !STEP_KEYS.has(k));
  if (unknown !== undefined) return `has a field no plan prints (${JSON.stringify(unknown)})`;
  if (!isString(s.label)) return 'has no label';
  if (
    s.changes !== undefined &&
    (!Array.isArray(s.changes) || !s.changes.every((c) => CHANGES.has(c)))
  )
    return 'has unknown changes';
  if (!secretOk(s.secret))
    return 'hands its secret over in a way the plan does not print (only {"exec"} or {"out"})';
  const r = s.request;
  if (s.action === 'create' || s.action === 'replace' || s.action === 'rotate')
    return createMismatch(s, r);
  if (s.action === 'update') return s.retired ? retiredMismatch(s, r) : updateMismatch(s, r);
  return r === undefined ? null : 'carries a request, but its action sends none';
}

function createMismatch(s, r) {
  if (!r || typeof r !== 'object') return 'has no request';
  const extra = Object.keys(r).find((k) => !CREATE_KEYS.includes(k));
  if (extra !== undefined) return `sends ${JSON.stringify(extra)}, which the plan does not print`;
  if (r.label !== s.label)
    return `sends the label ${JSON.stringify(r.label)}, but prints ${JSON.stringify(s.label)}`;
  if (r.description !== undefined && !isString(r.description))
    return 'sends a description that is not text';
  if (!resourcesOk(r.resources ?? [])) return 'sends resources the plan cannot print';
  if (r.expires_at !== null && r.expires_at !== undefined && !isString(r.expires_at))
    return 'sends an expiry that is not a date';
  if (s.action === 'create') return null;
  // A replace or rotate prints only what changes: everything else must be the token's as it is.
  const b = s.before ?? {};
  const changes = s.changes ?? [];
  if (!changes.includes('label') && r.label !== b.label)
    return 'changes the label without printing it';
  if (!changes.includes('description') && (r.description ?? '') !== (b.description ?? ''))
    return 'changes the description without printing it';
  if (
    !changes.includes('resources') &&
    sortedResources(r.resources) !== sortedResources(b.resources)
  )
    return 'changes the resources without printing them';
  return null;
}

function updateMismatch(s, r) {
  if (!r || typeof r !== 'object') return 'has no request';
  const changes = s.changes ?? [];
  if (changes.includes('expiry')) return 'updates an expiry, which only a replace can change';
  const want = changes.map((c) => UPDATE_KEY[c]).sort();
  if (JSON.stringify(Object.keys(r).sort()) !== JSON.stringify(want))
    return `sends ${JSON.stringify(Object.keys(r).sort())}, but prints changes to ${JSON.stringify(changes)}`;
  if ('label' in r && r.label !== s.label)
    return `sends the label ${JSON.stringify(r.label)}, but prints ${JSON.stringify(s.label)}`;
  if ('is_active' in r && r.is_active !== s.active)
    return `sends is_active ${JSON.stringify(r.is_active)}, but prints ${JSON.stringify(s.active)}`;
  if ('description' in r && !isString(r.description)) return 'sends a description that is not text';
  if ('resources' in r && !resourcesOk(r.resources)) return 'sends resources the plan cannot print';
  return null;
}

function retiredMismatch(s, r) {
  const ok =
    JSON.stringify(r) === '{"is_active":false}' && JSON.stringify(s.changes) === '["active"]';
  return ok ? null : 'deactivates a retired token with a request other than {"is_active": false}';
}

/** The count the plan's head line states must be the steps it lists as changes. */
export const changingCount = (steps) =>
  steps.filter((s) => ['create', 'update', 'replace', 'delete', 'rotate'].includes(s.action))
    .length;
