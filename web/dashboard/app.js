// The admin dashboard: sign in, list, create, inspect, edit, (de)activate and delete a Docker Hub
// organization's access tokens through the package's browser build.
//
// Secrets: the password is read once from its field (which is cleared at once) and handed to the
// WASM client, which exchanges it for a JWT and keeps both in its heap for the whole session (it signs
// in again with the password when the JWT expires) until sign-out closes it. A created token's value
// is put in one read-only field and removed from it (and from every JS object) when its dialog closes.
// Nothing goes to localStorage, sessionStorage, cookies or the URL. Server text is only ever set as
// textContent (see dom.js).

import { createClient } from '/bindings/index.web.js';
import { $, h, fill, showAlert, clearAlert, showRateLimit, openDialog } from './dom.js';
import { tokenStatus, relativeTime, exactTime, scopeName, errorMessage, PUBLIC_PATH } from './format.js';
import { createResourceEditor } from './token-form.js';
import { createAuditView } from './audit-view.js';

const TIMEOUT_MS = 15000;

const el = {
  session: $('#session'),
  sessionInfo: $('#session-info'),
  signOut: $('#sign-out'),
  signinView: $('#signin-view'),
  signinForm: $('#signin-form'),
  signinAlert: $('#signin-alert'),
  org: $('#signin-org'),
  user: $('#signin-user'),
  secret: $('#signin-secret'),
  signinButton: $('#signin-button'),
  tokensView: $('#tokens-view'),
  orgName: $('#org-name'),
  total: $('#total'),
  refresh: $('#refresh'),
  newToken: $('#new-token'),
  mainAlert: $('#main-alert'),
  mainStatus: $('#main-status'),
  empty: $('#empty'),
  emptyTitle: $('#empty-title'),
  firstToken: $('#first-token'),
  tableWrap: $('#table-wrap'),
  table: $('#tokens-table'),
  rows: $('#rows'),
  pager: $('#pager'),
  pageSize: $('#page-size'),
  prev: $('#prev-page'),
  next: $('#next-page'),
  pageInfo: $('#page-info'),
  rateInfo: $('#rate-info'),
  tokenDialog: $('#token-dialog'),
  tokenForm: $('#token-form'),
  tokenTitle: $('#token-dialog-title'),
  tokenAlert: $('#token-alert'),
  tokenLabel: $('#token-label'),
  tokenDescription: $('#token-description'),
  expiryField: $('#expiry-field'),
  expiry: $('#token-expiry'),
  expiryDateField: $('#expiry-date-field'),
  expiryDate: $('#token-expiry-date'),
  expiryFixed: $('#expiry-fixed'),
  resourceEditor: $('#resource-editor'),
  tokenSubmit: $('#token-submit'),
  secretDialog: $('#secret-dialog'),
  secretValue: $('#secret-value'),
  secretCopy: $('#secret-copy'),
  secretStatus: $('#secret-status'),
  secretOrg: $('#secret-org'),
  secretDone: $('#secret-done'),
  detailsDialog: $('#details-dialog'),
  detailsTitle: $('#details-title'),
  detailsBadge: $('#details-badge'),
  detailsAlert: $('#details-alert'),
  detailsStatus: $('#details-status'),
  detailsBody: $('#details-body'),
  detailsEdit: $('#details-edit'),
  detailsToggle: $('#details-toggle'),
  detailsDelete: $('#details-delete'),
  deleteDialog: $('#delete-dialog'),
  deleteAlert: $('#delete-alert'),
  deleteText: $('#delete-text'),
  deleteConfirm: $('#delete-confirm'),
};

/** The signed-in session: the client (holding the JWT), the organization and the user. */
let session = null;
/** The resource editor of the token dialog (made per session: it names the organization). */
let editor = null;
const view = {
  page: 1,
  pageSize: 10,
  total: 0,
  listSeq: 0,
  /** The token shown in the details dialog (with resources once loaded). */
  current: null,
  /** The token being edited, or null when the token dialog creates one. */
  editing: null,
};

// ---------------------------------------------------------------------------------------------
// Calls and failures

/**
 * Runs one client call for the current session. A failure is shown in `alertEl`; a 401 signs out
 * with the reason; a 429 counts down. Answers for a session that has ended meanwhile are dropped.
 * @returns {Promise<{ ok: true, value: any } | { ok: false }>}
 */
async function call(alertEl, fn) {
  const s = session;
  if (!s) return { ok: false };
  try {
    const value = await fn(s.hub, s.org);
    if (s !== session) return { ok: false };
    showRateInfo();
    return { ok: true, value };
  } catch (err) {
    if (s === session) handleError(err, alertEl);
    return { ok: false };
  }
}

function handleError(err, alertEl) {
  showRateInfo();
  if (err?.code === 'unauthorized') {
    signOut(`Docker Hub no longer accepts this session (${errorMessage(err)}). Sign in again.`);
    return;
  }
  if (err?.code === 'rate_limited') {
    showRateLimit(alertEl, err.retryAfter);
    return;
  }
  showAlert(alertEl, errorMessage(err));
}

function showRateInfo() {
  const rl = session?.hub.rateLimit;
  if (!rl || rl.limit == null || rl.remaining == null || rl.remaining > rl.limit * 0.2) {
    el.rateInfo.hidden = true;
    return;
  }
  const reset = rl.reset ? ` until ${new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(rl.reset * 1000)}` : '';
  el.rateInfo.textContent = `${rl.remaining} of ${rl.limit} Docker Hub requests left${reset}.`;
  el.rateInfo.hidden = false;
}

/** Disables a button while its call runs, optionally with a "…ing" text. */
function busy(button, on, text) {
  if (on) {
    button.dataset.text = button.textContent;
    if (text) button.textContent = text;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.text) button.textContent = button.dataset.text;
    delete button.dataset.text;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------
// Sign in and out

function signInFailure(err, org, user) {
  switch (err?.code) {
    case 'unauthorized': return `Sign-in failed: ${errorMessage(err)} Check the username and the password or access token.`;
    case 'forbidden': return `${user} may not manage the access tokens of ${org}: ${err.message || 'only organization owners may.'}`;
    case 'not_found': return `There is no organization named ${org}, or it is not visible to ${user}.`;
    default: return errorMessage(err);
  }
}

el.signinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (el.signinButton.disabled) return;
  clearAlert(el.signinAlert);
  const org = el.org.value.trim();
  const user = el.user.value.trim();
  let secret = el.secret.value;
  el.secret.value = '';
  if (!org || !user || !secret) {
    secret = '';
    showAlert(el.signinAlert, 'Fill in the organization, the username and the password or access token.');
    (!org ? el.org : !user ? el.user : el.secret).focus();
    return;
  }
  busy(el.signinButton, true, 'Signing in…');
  let hub;
  try {
    hub = await createClient({ baseUrl: location.origin, credentials: { identifier: user, secret }, timeoutMs: TIMEOUT_MS });
  } catch (err) {
    busy(el.signinButton, false);
    showAlert(el.signinAlert, err?.code === 'invalid_argument'
      ? `Sign-in failed: ${err.message}` : `The dashboard could not start: ${err?.message ?? err}`);
    el.secret.focus();
    return;
  } finally {
    secret = '';
  }
  const s = { hub, org, user };
  session = s;
  view.page = 1;
  let first;
  try {
    // The first call exchanges the secret for a JWT and proves the account may manage the tokens.
    first = await hub.listAccessTokens(org, { page: 1, pageSize: view.pageSize });
  } catch (err) {
    if (session === s) session = null;
    hub.close();
    busy(el.signinButton, false);
    if (err?.code === 'rate_limited') showRateLimit(el.signinAlert, err.retryAfter);
    else showAlert(el.signinAlert, signInFailure(err, org, user));
    el.secret.focus();
    return;
  }
  busy(el.signinButton, false);
  if (session !== s) return;
  enterTokensView();
  renderPage(first);
  showRateInfo();
  el.newToken.focus();
});

function enterTokensView() {
  audit.reset();
  editor = createResourceEditor(el.resourceEditor, session.org);
  el.sessionInfo.replaceChildren(
    h('span', { class: 'muted', text: 'Signed in as ' }), session.user,
    h('span', { class: 'muted', text: ' · ' }), session.org);
  el.orgName.textContent = session.org;
  el.signinView.hidden = true;
  el.tokensView.hidden = false;
  el.session.hidden = false;
  clearAlert(el.mainAlert);
  el.mainStatus.textContent = '';
}

/** Forgets the client (and with it the JWT) and everything shown; back to the sign-in form. */
function signOut(reason) {
  const s = session;
  session = null;
  view.listSeq++;
  view.current = null;
  view.editing = null;
  forgetSecret();
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  s?.hub.close();
  audit.reset();
  editor = null;
  el.resourceEditor.replaceChildren();
  el.rows.replaceChildren();
  el.detailsBody.replaceChildren();
  el.detailsTitle.textContent = '';
  el.orgName.textContent = '';
  el.sessionInfo.replaceChildren();
  el.rateInfo.hidden = true;
  for (const a of [el.mainAlert, el.tokenAlert, el.detailsAlert, el.deleteAlert, el.signinAlert]) clearAlert(a);
  el.tokensView.hidden = true;
  el.session.hidden = true;
  el.signinView.hidden = false;
  el.secret.value = '';
  if (reason) showAlert(el.signinAlert, reason, { title: 'You were signed out.' });
  (el.org.value && el.user.value ? el.secret : el.org).focus();
}

el.signOut.addEventListener('click', () => signOut());

const audit = createAuditView($('#audit-view'), { call, onChanged: () => loadPage() });

// ---------------------------------------------------------------------------------------------
// The list

function timeCell(iso, none) {
  const rel = relativeTime(iso);
  if (!rel) return h('span', { class: 'muted', text: none });
  return h('time', { datetime: iso, title: exactTime(iso), dataset: { rel: '1' }, text: rel });
}

const BADGE = { Active: 'ok', Inactive: 'off', Expired: 'bad', 'Expires soon': 'warn' };
const badge = (status) => h('span', { class: `badge badge-${BADGE[status]}`, text: status });

function rowFor(t) {
  return h('tr', { dataset: { id: t.id } },
    h('th', { scope: 'row', class: 'label-cell' },
      h('button', { type: 'button', class: 'link', text: t.label, on: { click: () => openDetails(t) } })),
    h('td', { 'data-label': 'Status' }, badge(tokenStatus(t))),
    h('td', { 'data-label': 'Created by', class: t.created_by ? '' : 'muted', text: t.created_by || '—' }),
    h('td', { 'data-label': 'Created' }, timeCell(t.created_at, 'Unknown')),
    h('td', { 'data-label': 'Last used' }, timeCell(t.last_used_at, 'Never')),
    h('td', { 'data-label': 'Expires' }, timeCell(t.expires_at, 'Never')),
  );
}

const rowButton = (id) => [...el.rows.querySelectorAll('tr')].find((tr) => tr.dataset.id === id)?.querySelector('button') ?? null;

function renderPage(page) {
  view.total = page.total;
  const pages = Math.max(1, Math.ceil(page.total / view.pageSize));
  fill(el.rows, page.results.map(rowFor));
  el.total.textContent = `${page.total} ${page.total === 1 ? 'token' : 'tokens'}`;
  const empty = page.total === 0;
  el.empty.hidden = !empty;
  el.emptyTitle.textContent = `${session.org} has no access tokens yet`;
  el.tableWrap.hidden = empty;
  el.pager.hidden = empty;
  el.pageInfo.textContent = `Page ${view.page} of ${pages}`;
  el.prev.disabled = view.page <= 1;
  // An empty page has nothing after it, whatever `next` claims.
  el.next.disabled = page.results.length === 0 || (!page.next && view.page >= pages);
}

/**
 * Loads and shows the current page: one request, two at most. A page that came back empty although
 * the organization has tokens (a delete, another admin) moves back once to the last page that
 * `total` promises, and only if that page comes before this one; whatever that answers is shown as
 * it is. So no click can start a loop of requests, even against a server whose `total` is wrong.
 */
async function loadPage(mayMoveBack = true) {
  const seq = ++view.listSeq;
  el.table.setAttribute('aria-busy', 'true');
  const r = await call(el.mainAlert, (hub, org) => hub.listAccessTokens(org, { page: view.page, pageSize: view.pageSize }));
  if (seq !== view.listSeq) return false;
  el.table.removeAttribute('aria-busy');
  if (!r.ok) return false;
  const { total, results } = r.value;
  const last = Math.max(1, Math.ceil(total / view.pageSize));
  if (mayMoveBack && results.length === 0 && total > 0 && last < view.page) {
    view.page = last;
    return loadPage(false);
  }
  clearAlert(el.mainAlert);
  renderPage(r.value);
  if (results.length === 0 && total > 0) {
    el.mainStatus.textContent = `Page ${view.page} is empty, although Docker Hub counts ${total} ${total === 1 ? 'token' : 'tokens'}. Go back a page, or refresh.`;
  }
  return true;
}

el.refresh.addEventListener('click', async () => {
  el.mainStatus.textContent = '';
  busy(el.refresh, true, 'Refreshing…');
  const ok = await loadPage();
  busy(el.refresh, false);
  if (ok) el.mainStatus.textContent = 'Up to date.';
});
el.prev.addEventListener('click', () => {
  if (view.page > 1) { view.page--; loadPage(); }
});
el.next.addEventListener('click', () => { view.page++; loadPage(); });
el.pageSize.addEventListener('change', () => {
  view.pageSize = Number(el.pageSize.value);
  view.page = 1;
  loadPage();
});

// Relative dates drift: refresh their wording every minute.
setInterval(() => {
  for (const t of document.querySelectorAll('time[data-rel]')) {
    const rel = relativeTime(t.dateTime);
    if (rel) t.textContent = rel;
  }
}, 60_000);

// ---------------------------------------------------------------------------------------------
// Details

function kindOf(r) {
  if (r.type === 'TYPE_ORG') return 'Organization';
  if (r.path === PUBLIC_PATH) return 'Public repositories';
  if (r.path.includes('*')) return 'Repository pattern';
  return 'Repository';
}

function fullTime(iso, none) {
  const rel = relativeTime(iso);
  if (!rel) return h('span', { class: 'muted', text: none });
  return h('span', {}, h('time', { datetime: iso, dataset: { rel: '1' }, text: rel }),
    h('span', { class: 'muted', text: ` · ${exactTime(iso)}` }));
}

function renderDetails(t) {
  const status = tokenStatus(t);
  el.detailsTitle.textContent = t.label;
  fill(el.detailsBadge, badge(status));
  const loaded = Array.isArray(t.resources);
  const fact = (name, value) => [h('dt', { text: name }), h('dd', {}, value)];
  fill(el.detailsBody,
    loaded ? h('p', { class: t.description ? 'description' : 'description muted', text: t.description || 'No description.' }) : null,
    h('dl', { class: 'facts' },
      fact('Status', status === 'Expired' && !t.is_active ? 'Expired (and inactive)' : status),
      fact('Created by', t.created_by || '—'),
      fact('Created', fullTime(t.created_at, 'Unknown')),
      fact('Last used', fullTime(t.last_used_at, 'Never')),
      fact('Expires', fullTime(t.expires_at, 'Never')),
      fact('ID', h('code', { text: t.id }))),
    h('h3', { text: 'Resources' }),
    !loaded ? h('p', { class: 'muted', text: 'Loading…' })
      : t.resources.length === 0 ? h('p', { class: 'muted', text: 'None: this token can reach nothing.' })
        : h('ul', { class: 'resource-list' }, t.resources.map((r) => h('li', { class: 'resource' },
          h('div', { class: 'resource-head' },
            h('span', { class: 'mono path', text: r.path }),
            h('span', { class: 'kind', text: kindOf(r) })),
          h('ul', { class: 'chips', 'aria-label': `Scopes for ${r.path}` },
            (r.scopes ?? []).map((s) => h('li', { class: 'chip', title: s, text: scopeName(s) })))))));
  el.detailsToggle.textContent = t.is_active ? 'Deactivate' : 'Activate';
  for (const b of [el.detailsEdit, el.detailsToggle, el.detailsDelete]) b.disabled = !loaded;
}

async function openDetails(summary) {
  const id = summary.id;
  view.current = { ...summary };
  clearAlert(el.detailsAlert);
  el.detailsStatus.textContent = '';
  renderDetails(view.current);
  openDialog(el.detailsDialog, { returnTo: () => rowButton(id) ?? el.newToken });
  const r = await call(el.detailsAlert, (hub, org) => hub.getAccessToken(org, id));
  if (!r.ok || view.current?.id !== id) return;
  view.current = r.value;
  renderDetails(r.value);
}

el.detailsDialog.addEventListener('close', () => { view.current = null; });

el.detailsToggle.addEventListener('click', async () => {
  const t = view.current;
  if (!t?.resources) return;
  clearAlert(el.detailsAlert);
  el.detailsStatus.textContent = '';
  busy(el.detailsToggle, true, t.is_active ? 'Deactivating…' : 'Activating…');
  const r = await call(el.detailsAlert, (hub, org) => hub.updateAccessToken(org, t.id, { is_active: !t.is_active }));
  busy(el.detailsToggle, false);
  if (!r.ok) return;
  if (view.current?.id === t.id) {
    view.current = r.value;
    renderDetails(r.value);
    el.detailsStatus.textContent = r.value.is_active
      ? 'Activated: the token works again.'
      : 'Deactivated: Docker Hub refuses this token until it is activated again.';
  }
  loadPage();
});

el.detailsEdit.addEventListener('click', () => {
  if (view.current?.resources) openTokenDialog(view.current);
});

el.detailsDelete.addEventListener('click', () => {
  const t = view.current;
  if (!t) return;
  clearAlert(el.deleteAlert);
  fill(el.deleteText, 'Delete ', h('strong', { text: `“${t.label}”` }),
    '? Anything that uses it stops working at once. This cannot be undone.');
  el.deleteConfirm.dataset.id = t.id;
  openDialog(el.deleteDialog);
});

el.deleteConfirm.addEventListener('click', async () => {
  const t = view.current;
  if (!t || t.id !== el.deleteConfirm.dataset.id) return;
  clearAlert(el.deleteAlert);
  busy(el.deleteConfirm, true, 'Deleting…');
  const r = await call(el.deleteAlert, (hub, org) => hub.deleteAccessToken(org, t.id));
  busy(el.deleteConfirm, false);
  if (!r.ok) return;
  el.deleteDialog.close();
  el.detailsDialog.close();
  el.mainStatus.textContent = `Deleted “${t.label}”.`;
  await loadPage();
  el.newToken.focus();
});

// ---------------------------------------------------------------------------------------------
// New and edit

const isoDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/** The chosen expiry as RFC 3339, null for never, undefined when a custom date is missing. */
function chosenExpiry() {
  const v = el.expiry.value;
  if (v === 'never') return null;
  if (v === 'custom') {
    const [y, m, d] = el.expiryDate.value.split('-').map(Number);
    if (!y) return undefined;
    return new Date(y, m - 1, d, 23, 59, 59).toISOString();
  }
  return new Date(Date.now() + Number(v) * 86_400_000).toISOString();
}

el.expiry.addEventListener('change', () => {
  const custom = el.expiry.value === 'custom';
  el.expiryDateField.hidden = !custom;
  el.expiryDate.required = custom;
  if (custom) el.expiryDate.focus();
});

/** Opens the token dialog: empty to create, or filled with `token` to edit it. */
function openTokenDialog(token = null) {
  if (!session || !editor) return;
  view.editing = token;
  const editing = Boolean(token);
  el.tokenForm.reset();
  clearAlert(el.tokenAlert);
  el.tokenTitle.textContent = editing ? 'Edit access token' : 'New access token';
  el.tokenSubmit.textContent = editing ? 'Save' : 'Create';
  el.expiryField.hidden = editing;
  el.expiryDateField.hidden = true;
  el.expiryDate.required = false;
  const today = new Date();
  el.expiryDate.min = isoDay(addDays(today, 1));
  el.expiryDate.max = isoDay(addDays(today, 364));
  el.expiryFixed.hidden = !editing;
  if (editing) {
    el.tokenLabel.value = token.label;
    el.tokenDescription.value = token.description ?? '';
    el.expiryFixed.textContent = token.expires_at
      ? `Expires ${relativeTime(token.expires_at)} (${exactTime(token.expires_at)}). The expiry cannot be changed after creation.`
      : 'Never expires. The expiry cannot be changed after creation.';
    editor.set(token.resources);
  } else {
    editor.reset();
  }
  openDialog(el.tokenDialog);
}

el.newToken.addEventListener('click', () => openTokenDialog());
el.firstToken.addEventListener('click', () => openTokenDialog());

el.tokenForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (el.tokenSubmit.disabled || !editor) return;
  clearAlert(el.tokenAlert);
  const editing = view.editing;
  const label = el.tokenLabel.value.trim();
  const description = el.tokenDescription.value.trim();
  const { resources, problems } = editor.read();
  if (!label) problems.unshift('Give the token a label.');
  if (!resources.length && !problems.length) {
    problems.push('Give the token access to something: a repository, public repositories or an organization scope.');
  }
  let expiresAt = null;
  if (!editing) {
    expiresAt = chosenExpiry();
    if (expiresAt === undefined) problems.push('Choose an expiration date.');
  }
  if (problems.length) {
    showAlert(el.tokenAlert, problems.join('\n'), { title: 'Check the form:' });
    if (!label) el.tokenLabel.focus();
    return;
  }
  busy(el.tokenSubmit, true, editing ? 'Saving…' : 'Creating…');
  if (editing) {
    const r = await call(el.tokenAlert, (hub, org) => hub.updateAccessToken(org, editing.id, { label, description, resources }));
    busy(el.tokenSubmit, false);
    if (!r.ok) return;
    el.tokenDialog.close();
    if (view.current?.id === editing.id) {
      view.current = r.value;
      renderDetails(r.value);
      el.detailsStatus.textContent = 'Saved.';
    }
    loadPage();
    return;
  }
  const body = { label, resources };
  if (description) body.description = description;
  if (expiresAt) body.expires_at = expiresAt;
  const r = await call(el.tokenAlert, (hub, org) => hub.createAccessToken(org, body));
  busy(el.tokenSubmit, false);
  if (!r.ok) return;
  el.tokenDialog.close();
  const created = r.value;
  showSecret(created);
  el.mainStatus.textContent = `Created “${created.label}”.`;
  view.page = 1;
  loadPage();
});

// ---------------------------------------------------------------------------------------------
// The secret, once

/** Moves the created token's value into the read-only field and off the object. */
function showSecret(created) {
  el.secretValue.value = created.token;
  delete created.token;
  el.secretOrg.textContent = session.org;
  el.secretStatus.textContent = '';
  const id = created.id;
  openDialog(el.secretDialog, { returnTo: () => rowButton(id) ?? el.newToken });
}

/** Done, Escape or sign-out: the value leaves the page at once (the close event comes later). */
function forgetSecret() {
  el.secretValue.value = '';
  el.secretStatus.textContent = '';
  document.getSelection()?.removeAllRanges();
}

el.secretDialog.addEventListener('cancel', forgetSecret);
el.secretDialog.addEventListener('close', forgetSecret);
el.secretDone.addEventListener('click', () => {
  forgetSecret();
  el.secretDialog.close();
});

el.secretCopy.addEventListener('click', async () => {
  if (!el.secretValue.value) return;
  try {
    await navigator.clipboard.writeText(el.secretValue.value);
    el.secretStatus.textContent = 'Copied to the clipboard.';
  } catch {
    el.secretValue.focus();
    el.secretValue.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    el.secretStatus.textContent = copied ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.';
  }
});

// ---------------------------------------------------------------------------------------------
// Dialog plumbing

for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog').close());
}

// The form stays disabled until this module runs, so it can never be posted without the handler.
el.signinButton.disabled = false;
el.org.focus();
