// The details dialog of one token: its facts and resources (fetched when it opens), and its
// Activate/Deactivate, Rotate (rotate-dialog.js) and Delete actions (Delete through a confirmation
// dialog). With a checked file, when the token is next due for rotation.

import { h, fill, busy, clearAlert, openDialog } from './dom.js';
import { statusWords, scopeName, PUBLIC_PATH } from './format.js';
import { el, rowButton } from './elements.js';
import { badge, fullTime } from './cells.js';
import { isDue } from './rotation-due.js';

function kindOf(r) {
  if (r.type === 'TYPE_ORG') return 'Organization';
  if (r.path === PUBLIC_PATH) return 'Public repositories';
  if (r.path.includes('*')) return 'Repository pattern';
  return 'Repository';
}

/** The resources section's list: each path, its kind and its scopes as chips. */
function resourceList(t) {
  if (!Array.isArray(t.resources)) return h('p', { class: 'muted', text: 'Loading…' });
  if (t.resources.length === 0)
    return h('p', { class: 'muted', text: 'None: this token can reach nothing.' });
  return h(
    'ul',
    { class: 'resource-list' },
    t.resources.map((r) =>
      h(
        'li',
        { class: 'resource' },
        h(
          'div',
          { class: 'resource-head' },
          h('span', { class: 'mono path', text: r.path }),
          h('span', { class: 'kind', text: kindOf(r) }),
        ),
        h(
          'ul',
          { class: 'chips', 'aria-label': `Scopes for ${r.path}` },
          (r.scopes ?? []).map((s) => h('li', { class: 'chip', title: s, text: scopeName(s) })),
        ),
      ),
    ),
  );
}

/**
 * The details dialog, made once by app.js.
 * @param {{ call: Function, due: () => Map<string, { every: string, due: string }> | null,
 *   onChanged: () => Promise<unknown>, onEdit: (token: object) => void, onRotate: (token: object) => void }} deps
 *   the session's call; the checked file's rotation schedule (token-list.js); onChanged reloads the
 *   list after a change; onEdit opens the token dialog on the loaded token; onRotate opens the
 *   rotation on it (in place of the details)
 */
export function createDetails({ call, due, onChanged, onEdit, onRotate }) {
  /** The token shown (with resources once loaded), null when the dialog is closed. */
  let current = null;

  /** When `t` is next due under the checked file's rotate_every. */
  function dueFact(t) {
    const d = due().get(t.id);
    if (!d)
      return h('span', { class: 'muted', text: 'No rotate_every for it in the checked file' });
    return h(
      'span',
      {},
      isDue(d.due) ? [h('span', { class: 'badge badge-warn', text: 'Due' }), ' '] : null,
      fullTime(d.due, 'Unknown'),
      h('span', { class: 'muted', text: ` · rotate_every ${d.every}` }),
    );
  }

  /** Shows token `t` in the details dialog; its actions wait until its resources have loaded. */
  function renderDetails(t) {
    const status = statusWords(t);
    el.detailsTitle.textContent = t.label;
    fill(el.detailsBadge, badge(status));
    const loaded = Array.isArray(t.resources);
    const fact = (name, value) => [h('dt', { text: name }), h('dd', {}, value)];
    fill(
      el.detailsBody,
      loaded
        ? h('p', {
            class: t.description ? 'description' : 'description muted',
            text: t.description || 'No description.',
          })
        : null,
      h(
        'dl',
        { class: 'facts' },
        fact('Status', status === 'Expired' && !t.is_active ? 'Expired (and inactive)' : status),
        fact('Created by', t.created_by || '—'),
        fact('Created', fullTime(t.created_at, 'Unknown')),
        fact('Last used', fullTime(t.last_used_at, 'Never')),
        fact('Expires', fullTime(t.expires_at, 'Never')),
        due() ? fact('Rotation due', dueFact(t)) : null,
        fact('ID', h('code', { text: t.id })),
      ),
      h('h3', { text: 'Resources' }),
      resourceList(t),
    );
    el.detailsToggle.textContent = t.is_active ? 'Deactivate' : 'Activate';
    for (const b of [el.detailsEdit, el.detailsToggle, el.detailsRotate, el.detailsDelete])
      b.disabled = !loaded;
  }

  /** Opens the dialog on a list row's summary at once, then shows the token as fetched. */
  async function openDetails(summary) {
    const id = summary.id;
    current = { ...summary };
    clearAlert(el.detailsAlert);
    el.detailsStatus.textContent = '';
    renderDetails(current);
    openDialog(el.detailsDialog, { returnTo: () => rowButton(id) ?? el.newToken });
    const r = await call(el.detailsAlert, (hub, org) => hub.getAccessToken(org, id));
    if (!r.ok || current?.id !== id) return;
    current = r.value;
    renderDetails(r.value);
  }

  async function toggleActive() {
    const t = current;
    if (!t?.resources) return;
    clearAlert(el.detailsAlert);
    el.detailsStatus.textContent = '';
    busy(el.detailsToggle, true, t.is_active ? 'Deactivating…' : 'Activating…');
    const r = await call(el.detailsAlert, (hub, org) =>
      hub.updateAccessToken(org, t.id, { is_active: !t.is_active }),
    );
    busy(el.detailsToggle, false);
    if (!r.ok) return;
    if (current?.id === t.id) {
      current = r.value;
      renderDetails(r.value);
      el.detailsStatus.textContent = r.value.is_active
        ? 'Activated: the token works again.'
        : 'Deactivated: Docker Hub refuses this token until it is activated again.';
    }
    void onChanged();
  }

  function askDelete() {
    const t = current;
    if (!t) return;
    clearAlert(el.deleteAlert);
    fill(
      el.deleteText,
      'Delete ',
      h('strong', { text: `“${t.label}”` }),
      '? Anything that uses it stops working at once. This cannot be undone.',
    );
    el.deleteConfirm.dataset.id = t.id;
    openDialog(el.deleteDialog);
  }

  async function confirmDelete() {
    const t = current;
    if (!t || t.id !== el.deleteConfirm.dataset.id) return;
    clearAlert(el.deleteAlert);
    busy(el.deleteConfirm, true, 'Deleting…');
    const r = await call(el.deleteAlert, (hub, org) => hub.deleteAccessToken(org, t.id));
    busy(el.deleteConfirm, false);
    if (!r.ok) return;
    el.deleteDialog.close();
    el.detailsDialog.close();
    el.mainStatus.textContent = `Deleted “${t.label}”.`;
    await onChanged();
    el.newToken.focus();
  }

  el.detailsDialog.addEventListener('close', () => {
    current = null;
  });
  el.detailsToggle.addEventListener('click', () => toggleActive());
  el.detailsEdit.addEventListener('click', () => {
    if (current?.resources) onEdit(current);
  });
  el.detailsRotate.addEventListener('click', () => {
    const t = current;
    if (!t?.resources) return;
    el.detailsDialog.close();
    onRotate(t);
  });
  el.detailsDelete.addEventListener('click', askDelete);
  el.deleteConfirm.addEventListener('click', () => confirmDelete());

  return {
    open: openDetails,
    /** Shows `t` as saved, if the dialog still shows it. */
    saved(t) {
      if (current?.id !== t.id) return;
      current = t;
      renderDetails(t);
      el.detailsStatus.textContent = 'Saved.';
    },
    reset() {
      current = null;
    },
  };
}
