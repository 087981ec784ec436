// The token dialog: "New access token" (label, description, expiry, resources) and "Edit access
// token" (the same but the expiry, which Docker Hub fixes at creation). Its form is checked here
// before any request; a created token's value goes straight to the secret dialog.

import { busy, clearAlert, showAlert, openDialog } from './dom.js';
import { relativeTime, exactTime } from './format.js';
import { el } from './elements.js';
import { createResourceEditor } from './token-form.js';

const isoDay = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
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

/** The expiry part of the form: a choice when creating, a fixed line when editing `token`. */
function showExpiry(token) {
  const editing = Boolean(token);
  el.expiryField.hidden = editing;
  el.expiryDateField.hidden = true;
  el.expiryDate.required = false;
  const today = new Date();
  el.expiryDate.min = isoDay(addDays(today, 1));
  el.expiryDate.max = isoDay(addDays(today, 364));
  el.expiryFixed.hidden = !editing;
  if (!editing) return;
  el.expiryFixed.textContent = token.expires_at
    ? `Expires ${relativeTime(token.expires_at)} (${exactTime(token.expires_at)}). The expiry cannot be changed after creation.`
    : 'Never expires. The expiry cannot be changed after creation.';
}

/** The ids of the org's tokens labelled `label` (the library's findAccessToken: reads only). */
async function holdersOf(hub, org, label) {
  try {
    const t = await hub.findAccessToken(org, label);
    return t ? [t.id] : [];
  } catch (err) {
    if (err?.code === 'conflict' && Array.isArray(err.ids)) return err.ids; // several have it already
    throw err;
  }
}

/**
 * The token dialog, made once by app.js.
 * @param {{ call: Function, org: () => string | undefined, onSaved: (token: object) => void,
 *   onCreated: (created: object) => void }} deps the session's call and organization; what shows an
 *   edited token (the details, the list); what shows a created one (its secret, the list's page 1)
 */
export function createTokenDialog({ call, org, onSaved, onCreated }) {
  /** The resource editor (made per session: it names the organization), null when signed out. */
  let editor = null;
  /** The token being edited, or null when the dialog creates one. */
  let editing = null;

  /** Opens the token dialog: empty to create, or filled with `token` to edit it. */
  function openTokenDialog(token = null) {
    if (!org() || !editor) return;
    editing = token;
    const edit = Boolean(token);
    el.tokenForm.reset();
    clearAlert(el.tokenAlert);
    el.tokenTitle.textContent = edit ? 'Edit access token' : 'New access token';
    el.tokenSubmit.textContent = edit ? 'Save' : 'Create';
    showExpiry(token);
    el.dupAllowField.hidden = true;
    el.dupAllowLabel.textContent = `${edit ? 'Save' : 'Create'} it anyway, as a duplicate`;
    if (edit) {
      el.tokenLabel.value = token.label;
      el.tokenDescription.value = token.description ?? '';
      editor.set(token.resources);
    } else {
      editor.reset();
    }
    openDialog(el.tokenDialog);
  }

  /**
   * The form as the API takes it, and the problems a person must fix first.
   * @returns {{ label: string, description: string, resources: object[], expiresAt: string | null | undefined, problems: string[] }}
   */
  function readTokenForm(edit) {
    const label = el.tokenLabel.value.trim();
    const description = el.tokenDescription.value.trim();
    const { resources, problems } = editor.read();
    if (!label) problems.unshift('Give the token a label.');
    if (!resources.length && !problems.length) {
      problems.push(
        'Give the token access to something: a repository, public repositories or an organization scope.',
      );
    }
    let expiresAt = null;
    if (!edit) {
      expiresAt = chosenExpiry();
      if (expiresAt === undefined) problems.push('Choose an expiration date.');
    }
    return { label, description, resources, expiresAt, problems };
  }

  async function saveEdit(token, { label, description, resources }) {
    if (label !== token.label && !(await labelFree(label, token.id))) {
      busy(el.tokenSubmit, false);
      return;
    }
    const r = await call(el.tokenAlert, (hub, o) =>
      hub.updateAccessToken(o, token.id, { label, description, resources }),
    );
    busy(el.tokenSubmit, false);
    if (!r.ok) return;
    el.tokenDialog.close();
    onSaved(r.value);
  }

  /**
   * Labels stay unique unless the person says otherwise (the CLI's --allow-duplicate-label): a
   * label the org already has (on a token other than `self`, the one edited) is refused before any
   * write, and the box that allows it is shown.
   * @returns {Promise<boolean>} whether the create or the save may go on
   */
  async function labelFree(label, self = null) {
    if (el.dupAllow.checked && !el.dupAllowField.hidden) return true;
    const r = await call(el.tokenAlert, (hub, o) => holdersOf(hub, o, label));
    if (!r.ok) return false;
    const others = r.value.filter((id) => id !== self);
    if (others.length === 0) return true;
    const ids = others.join(', ');
    showAlert(
      el.tokenAlert,
      `${org()} already has a token labelled “${label}” (${ids}). ` +
        'Labels should be unique: tokens as code and the CLI find a token by its label. ' +
        `Choose another label, or check the box below the label to ${self ? 'save' : 'create'} it anyway.`,
      { title: 'This label is taken.' },
    );
    el.dupAllow.checked = false;
    el.dupAllowField.hidden = false;
    el.tokenLabel.focus();
    return false;
  }

  async function create({ label, description, resources, expiresAt }) {
    if (!(await labelFree(label))) {
      busy(el.tokenSubmit, false);
      return;
    }
    const body = { label, resources };
    if (description) body.description = description;
    if (expiresAt) body.expires_at = expiresAt;
    const r = await call(el.tokenAlert, (hub, o) => hub.createAccessToken(o, body));
    busy(el.tokenSubmit, false);
    if (!r.ok) return;
    el.tokenDialog.close();
    const created = r.value;
    el.mainStatus.textContent = `Created “${created.label}”.`;
    onCreated(created);
  }

  async function submitTokenForm(event) {
    event.preventDefault();
    if (el.tokenSubmit.disabled || !editor) return;
    clearAlert(el.tokenAlert);
    const token = editing;
    const form = readTokenForm(token);
    if (form.problems.length) {
      showAlert(el.tokenAlert, form.problems.join('\n'), { title: 'Check the form:' });
      if (!form.label) el.tokenLabel.focus();
      return;
    }
    busy(el.tokenSubmit, true, token ? 'Saving…' : 'Creating…');
    if (token) await saveEdit(token, form);
    else await create(form);
  }

  el.expiry.addEventListener('change', () => {
    const custom = el.expiry.value === 'custom';
    el.expiryDateField.hidden = !custom;
    el.expiryDate.required = custom;
    if (custom) el.expiryDate.focus();
  });
  el.tokenLabel.addEventListener('input', () => {
    el.dupAllowField.hidden = true;
    el.dupAllow.checked = false;
  });
  el.newToken.addEventListener('click', () => openTokenDialog());
  el.firstToken.addEventListener('click', () => openTokenDialog());
  el.tokenForm.addEventListener('submit', submitTokenForm);

  return {
    open: openTokenDialog,
    /** Readies the resource editor for a session's organization. */
    enter(o) {
      editor = createResourceEditor(el.resourceEditor, o);
    },
    reset() {
      editing = null;
      editor = null;
    },
  };
}
