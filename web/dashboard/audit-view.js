// The dashboard's token-hygiene panel: runs hub.auditAccessTokens (the rules of the C core, the
// same path as the library and the CLI), shows a badge per finding on each token, filter chips, a
// label search, sorting by last use and by expiry, "Tokens used: 7 of 10", and a "Clean up" dialog
// that deletes the chosen prune candidates after one confirmation, with progress and a result per
// token (cleanup-dialog.js). Everything is built with dom.js (text only, never markup). app.js
// hooks it in.

import { h, fill, clearAlert } from './dom.js';
import { createCleanupDialog } from './cleanup-dialog.js';
import { relativeTime, exactTime } from './format.js';

const REASONS = {
  admin: 'admin',
  delete: 'delete',
  org_write: 'org write',
  wildcard: 'wildcard',
  public_with_private: 'public + private',
};
const SEVERITY_CLASS = { high: 'badge-bad', medium: 'badge-warn', low: 'badge-off' };

/** The badge's words for a finding. */
export function badgeText(f) {
  switch (f.kind) {
    case 'expired':
      return 'Expired';
    case 'inactive':
      return 'Inactive';
    case 'unused':
      return f.neverUsed ? 'Never used' : 'Unused';
    case 'expiring':
      return 'Expires soon';
    case 'no_expiry':
      return 'No expiry';
    case 'broad':
      return `Broad: ${REASONS[f.reason] ?? f.reason}`;
    default:
      return f.kind;
  }
}

const FILTERS = [
  { id: 'all', text: 'All', test: () => true },
  {
    id: 'attention',
    text: 'Needs attention',
    test: (t) => t.findings.some((f) => f.severity !== 'low'),
  },
  {
    id: 'expiring',
    text: 'Expiring soon',
    test: (t) => t.findings.some((f) => f.kind === 'expiring'),
  },
  { id: 'unused', text: 'Unused', test: (t) => t.findings.some((f) => f.kind === 'unused') },
  { id: 'expired', text: 'Expired', test: (t) => t.findings.some((f) => f.kind === 'expired') },
  { id: 'inactive', text: 'Inactive', test: (t) => t.findings.some((f) => f.kind === 'inactive') },
];

const time = (iso) => (iso == null ? NaN : Date.parse(iso.replace(/(\.\d{3})\d+/, '$1')));
// Never used sorts as the oldest use; never expiring as the latest expiry.
const SORTS = {
  'last-used-asc': {
    text: 'Last used, oldest first',
    key: (t) => (t.last_used_at == null ? -Infinity : time(t.last_used_at)),
    dir: 1,
  },
  'last-used-desc': {
    text: 'Last used, newest first',
    key: (t) => (t.last_used_at == null ? -Infinity : time(t.last_used_at)),
    dir: -1,
  },
  'expiry-asc': {
    text: 'Expiry, soonest first',
    key: (t) => (t.expires_at == null ? Infinity : time(t.expires_at)),
    dir: 1,
  },
  'expiry-desc': {
    text: 'Expiry, latest first',
    key: (t) => (t.expires_at == null ? Infinity : time(t.expires_at)),
    dir: -1,
  },
};

function timeCell(iso, none) {
  const rel = relativeTime(iso);
  if (!rel) return h('span', { class: 'muted', text: none });
  return h('time', { datetime: iso, title: exactTime(iso), text: rel });
}

function findingBadge(f) {
  return h(
    'li',
    {},
    h('span', {
      class: `badge ${SEVERITY_CLASS[f.severity]}`,
      title: f.sentence,
      dataset: { kind: f.kind, severity: f.severity, ...(f.reason ? { reason: f.reason } : {}) },
      text: badgeText(f),
    }),
  );
}

function rowFor(t) {
  const findings = t.findings.length
    ? [
        h(
          'ul',
          { class: 'finding-badges', 'aria-label': `Findings for ${t.label}` },
          t.findings.map(findingBadge),
        ),
        h(
          'ul',
          { class: 'finding-sentences' },
          t.findings.map((f) => h('li', { text: f.sentence })),
        ),
      ]
    : [h('span', { class: 'badge badge-ok', text: 'No findings' })];
  return h(
    'tr',
    { dataset: { id: t.id, label: t.label } },
    h('th', { scope: 'row', class: 'label-cell', text: t.label }),
    h('td', { 'data-label': 'Findings', class: 'findings-cell' }, findings),
    h('td', { 'data-label': 'Last used' }, timeCell(t.last_used_at, 'Never')),
    h('td', { 'data-label': 'Expires' }, timeCell(t.expires_at, 'Never')),
  );
}

/** The panel's elements, built into `root`. */
function buildAuditUi(root) {
  const ui = {
    usage: h('p', {
      class: 'audit-usage',
      id: 'audit-usage',
      text: 'Check which tokens are a risk or a waste.',
    }),
    plan: h(
      'select',
      { id: 'audit-plan' },
      h('option', { value: '', text: 'Unknown' }),
      h('option', { value: 'team', text: 'Team (10 tokens)' }),
      h('option', { value: 'business', text: 'Business (100 tokens)' }),
    ),
    run: h('button', { type: 'button', class: 'quiet', id: 'audit-run', text: 'Check tokens' }),
    cleanup: h('button', {
      type: 'button',
      class: 'quiet',
      id: 'audit-cleanup',
      text: 'Clean up…',
      disabled: true,
    }),
    alert: h('div', { class: 'alert', role: 'alert', hidden: true }),
    status: h('p', { class: 'status', role: 'status' }),
    chips: h('div', { class: 'filter-chips', role: 'group', 'aria-label': 'Show tokens' }),
    search: h('input', {
      type: 'search',
      id: 'audit-search',
      placeholder: 'Label contains…',
      autocomplete: 'off',
    }),
    sort: h(
      'select',
      { id: 'audit-sort' },
      Object.entries(SORTS).map(([v, s]) => h('option', { value: v, text: s.text })),
    ),
    rows: h('tbody'),
    none: h('p', { class: 'hint', hidden: true, text: 'No token matches.' }),
  };
  ui.results = h(
    'div',
    { class: 'audit-results', hidden: true },
    ui.chips,
    h(
      'div',
      { class: 'audit-controls' },
      h(
        'div',
        { class: 'field inline' },
        h('label', { for: 'audit-search', text: 'Search labels' }),
        ui.search,
      ),
      h(
        'div',
        { class: 'field inline' },
        h('label', { for: 'audit-sort', text: 'Sort by' }),
        ui.sort,
      ),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { 'aria-label': 'Token audit', id: 'audit-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Label', 'Findings', 'Last used', 'Expires'].map((c) =>
              h('th', { scope: 'col', text: c }),
            ),
          ),
        ),
        ui.rows,
      ),
    ),
    ui.none,
  );
  fill(
    root,
    h(
      'div',
      { class: 'audit-head' },
      h('div', {}, h('h2', { id: 'audit-title', text: 'Token hygiene' }), ui.usage),
      h(
        'div',
        { class: 'buttons' },
        h(
          'div',
          { class: 'field inline' },
          h('label', { for: 'audit-plan', text: 'Plan' }),
          ui.plan,
        ),
        ui.run,
        ui.cleanup,
      ),
    ),
    ui.alert,
    ui.status,
    ui.results,
  );
  return ui;
}

/** The report's tokens that pass the filter and the search, in the chosen order. */
function visible(state) {
  const f = FILTERS.find((x) => x.id === state.filter);
  const q = state.query.trim().toLowerCase();
  const sort = SORTS[state.sort];
  return state.report.tokens
    .filter((t) => f.test(t) && (!q || t.label.toLowerCase().includes(q)))
    .map((t, i) => ({ t, i, k: sort.key(t) }))
    .sort((a, b) => (a.k === b.k ? a.i - b.i : a.k < b.k ? -sort.dir : sort.dir))
    .map((x) => x.t);
}

function renderChips(ctx) {
  const { ui, state } = ctx;
  fill(
    ui.chips,
    FILTERS.map((f) => {
      const n = state.report.tokens.filter(f.test).length;
      return h(
        'button',
        {
          type: 'button',
          class: 'filter-chip',
          'aria-pressed': String(state.filter === f.id),
          dataset: { filter: f.id },
          on: {
            click: () => {
              state.filter = f.id;
              render(ctx);
              ui.chips.querySelector(`[data-filter="${f.id}"]`)?.focus();
            },
          },
        },
        f.text,
        h('span', { class: 'count', text: ` ${n}` }),
      );
    }),
  );
}

function render(ctx) {
  const { ui, state } = ctx;
  if (!state.report) return;
  renderChips(ctx);
  const tokens = visible(state);
  fill(ui.rows, tokens.map(rowFor));
  ui.none.hidden = tokens.length > 0;
  ui.results.hidden = false;
}

/** Runs the audit (a newer run or a reset drops an older one's answer) and shows its report. */
async function run(ctx) {
  const { ui, state, call } = ctx;
  const seq = ++state.seq;
  clearAlert(ui.alert);
  ui.run.disabled = true;
  ui.status.textContent = 'Checking tokens…';
  const plan = ui.plan.value || undefined;
  const r = await call(ui.alert, (hub, org) =>
    hub.auditAccessTokens(org, {
      plan,
      onProgress: ({ phase, done, total }) => {
        if (seq === state.seq && phase === 'resources')
          ui.status.textContent = `Reading token resources: ${done} of ${total}`;
      },
    }),
  );
  if (seq !== state.seq) return;
  ui.run.disabled = false;
  ui.run.textContent = 'Check again';
  if (!r.ok) {
    ui.status.textContent = '';
    return;
  }
  state.report = r.value;
  const s = r.value.summary;
  ui.usage.textContent =
    `${s.usage} · ${s.findings} ${s.findings === 1 ? 'finding' : 'findings'} in ${s.flaggedTokens} ${s.flaggedTokens === 1 ? 'token' : 'tokens'}` +
    (s.atLimit ? ' · at the limit: delete a token before creating one' : '');
  ui.status.textContent = 'Checked.';
  ui.cleanup.disabled = false;
  render(ctx);
}

/** Forgets the report (sign-out, another organization). */
function reset({ ui, state, dialog }) {
  state.seq++;
  state.report = null;
  state.filter = 'all';
  state.query = '';
  ui.search.value = '';
  ui.results.hidden = true;
  ui.rows.replaceChildren();
  ui.chips.replaceChildren();
  ui.run.disabled = false;
  ui.run.textContent = 'Check tokens';
  ui.cleanup.disabled = true;
  ui.usage.textContent = 'Check which tokens are a risk or a waste.';
  ui.status.textContent = '';
  clearAlert(ui.alert);
  dialog.close();
}

/**
 * @param {HTMLElement} root the (empty) section of index.html
 * @param {{ call: (alertEl: HTMLElement, fn: (hub: any, org: string) => Promise<any>) => Promise<{ ok: boolean, value?: any }>,
 *           onChanged: () => void }} hooks app.js's session-guarded call, and a refresh of its list
 */
export function createAuditView(root, { call, onChanged }) {
  const ui = buildAuditUi(root);
  const state = { report: null, filter: 'all', query: '', sort: 'last-used-asc', seq: 0 };
  const ctx = { ui, state, call, dialog: null };
  ctx.dialog = createCleanupDialog({
    call,
    afterDone: () => {
      void run(ctx);
      onChanged();
    },
  });

  ui.run.addEventListener('click', () => void run(ctx));
  ui.plan.addEventListener('change', () => {
    if (state.report) void run(ctx);
  });
  ui.search.addEventListener('input', () => {
    state.query = ui.search.value;
    render(ctx);
  });
  ui.sort.addEventListener('change', () => {
    state.sort = ui.sort.value;
    render(ctx);
  });
  ui.cleanup.addEventListener('click', () => ctx.dialog.open(state.report));

  return {
    /** Forgets the report (sign-out, another organization). */
    reset: () => reset(ctx),
  };
}
