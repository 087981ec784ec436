// The Rotate dialog: one token replaced through the library's verified rotation
// (hub.rotateAccessToken, bindings/tools/rotate.js, the same as the CLI's rotate), each phase shown as it
// is reported (onPhase): create the new token, sign in with it, hand it over, retire the old one.
// The hand-over is the person: the new secret is shown once, as after a create, and the old token
// is retired only once they say it is stored. "Not stored" makes the library delete the new token
// again, leaving the old one as it was. What becomes of the old token is asked first: deactivated
// at once, or kept working for an overlap; either way it is relabelled, so the label stays unique.

import { h, fill, clearAlert, showAlert, openDialog } from './dom.js';
import { relativeTime, exactTime, errorMessage } from './format.js';
import { copyField } from './secret.js';

const OVERLAPS = [
  ['3600', '1 hour'],
  ['86400', '1 day'],
  ['604800', '7 days'],
];

/** The phases a person follows, in order; `read` is shown as part of create. */
const PHASES = [
  ['create', 'Create the new token'],
  ['verify', 'Sign in with the new token'],
  ['handover', 'Hand over: store the new secret'],
  ['retire', 'Retire the old token'],
];
const SHOWN_AS = {
  read: 'create',
  create: 'create',
  verify: 'verify',
  handover: 'handover',
  retire: 'retire',
  undo: 'undo',
};
const STATE_WORDS = {
  waiting: 'Waiting',
  running: 'Running…',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Not done',
};

const at = (iso) => `${relativeTime(iso)} (${exactTime(iso)})`;

function buildUi() {
  const ui = {
    title: h('h2', { id: 'rotate-title' }),
    alert: h('div', { class: 'alert', role: 'alert', hidden: true }),
    intro: h('p', { class: 'hint' }),
    deactivate: h('input', {
      type: 'radio',
      name: 'rotate-old',
      id: 'rotate-deactivate',
      value: 'deactivate',
      checked: true,
    }),
    keep: h('input', { type: 'radio', name: 'rotate-old', id: 'rotate-overlap', value: 'overlap' }),
    overlap: h(
      'select',
      { id: 'rotate-overlap-for' },
      OVERLAPS.map(([v, t]) => h('option', { value: v, text: t })),
    ),
    phases: h('ol', { class: 'phases', 'aria-label': 'Rotation phases' }),
    status: h('p', { class: 'status', role: 'status' }),
    secret: h('input', {
      type: 'text',
      id: 'rotate-secret',
      class: 'mono',
      readonly: true,
      autocomplete: 'off',
      spellcheck: 'false',
    }),
    copy: h('button', { type: 'button', id: 'rotate-copy', text: 'Copy' }),
    copied: h('p', { class: 'status', role: 'status' }),
    outcome: h('div', { class: 'rotate-outcome' }),
    cancel: h('button', { type: 'button', class: 'quiet', id: 'rotate-cancel', text: 'Cancel' }),
    discard: h('button', {
      type: 'button',
      class: 'danger-quiet',
      id: 'rotate-discard',
      text: 'Not stored: delete the new token',
    }),
    go: h('button', { type: 'button', class: 'primary', id: 'rotate-go', text: 'Rotate' }),
  };
  ui.choice = h(
    'fieldset',
    { class: 'rotate-choice' },
    h('legend', { text: 'Once the new token works, the old one is' }),
    h(
      'label',
      { class: 'check', for: 'rotate-deactivate' },
      ui.deactivate,
      h(
        'span',
        {},
        h('strong', { text: 'Deactivated at once' }),
        h('span', { class: 'hint', text: ' Whatever still uses it stops working.' }),
      ),
    ),
    h(
      'label',
      { class: 'check', for: 'rotate-overlap' },
      ui.keep,
      h(
        'span',
        {},
        h('strong', { text: 'Kept working for an overlap' }),
        h('span', { class: 'hint', text: ' For jobs that pick up the new secret later.' }),
      ),
    ),
    h(
      'div',
      { class: 'overlap-row' },
      h('label', { for: 'rotate-overlap-for', text: 'Overlap' }),
      ui.overlap,
    ),
    h('p', {
      class: 'hint small',
      text: 'Either way it is relabelled (its label gets “~retired…”), so the label stays with the new token, and a later prune or apply deletes it after a week’s grace.',
    }),
  );
  ui.handover = h(
    'div',
    { class: 'rotate-handover', hidden: true },
    h('p', {
      class: 'warning',
      id: 'rotate-secret-warning',
      text: 'This is the only time the new token is shown. Copy it now and put it where the old one is used (a password manager, your CI’s secret store): it will not be shown again. The old token is retired only once you say it is stored.',
    }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'rotate-secret', text: 'The new secret' }),
      h('div', { class: 'copy-row' }, ui.secret, ui.copy),
    ),
    ui.copied,
  );
  ui.dialog = h(
    'dialog',
    { id: 'rotate-dialog', 'aria-labelledby': 'rotate-title' },
    h(
      'div',
      { class: 'dialog-form' },
      h('header', { class: 'dialog-head' }, ui.title),
      h(
        'div',
        { class: 'dialog-body' },
        ui.alert,
        ui.intro,
        ui.choice,
        ui.phases,
        ui.status,
        ui.handover,
        ui.outcome,
      ),
      h(
        'footer',
        { class: 'dialog-actions' },
        ui.discard,
        h('span', { class: 'spacer' }),
        ui.cancel,
        ui.go,
      ),
    ),
  );
  document.body.append(ui.dialog);
  return ui;
}

function phaseItem(id, text) {
  return h(
    'li',
    { dataset: { phase: id, state: 'waiting' } },
    h('span', { class: 'phase-name', text }),
    h('span', { class: 'phase-state', text: STATE_WORDS.waiting }),
  );
}

function mark(ui, phase, state) {
  let li = ui.phases.querySelector(`li[data-phase="${phase}"]`);
  if (!li && phase === 'undo') {
    li = phaseItem('undo', 'Delete the new token again');
    ui.phases.append(li);
  }
  if (!li) return;
  li.dataset.state = state;
  // The hand-over waits on the person, not on the network.
  li.querySelector('.phase-state').textContent =
    phase === 'handover' && state === 'running' ? 'Your turn' : STATE_WORDS[state];
}

/** The rotate options chosen in the dialog. */
function chosenOptions(ui) {
  return ui.keep.checked
    ? { retire: 'deactivate', overlapSeconds: Number(ui.overlap.value) }
    : { retire: 'deactivate' };
}

function setStep(d, step) {
  const { ui } = d;
  d.step = step;
  ui.choice.hidden = step !== 'choose';
  ui.intro.hidden = step !== 'choose';
  ui.phases.hidden = step === 'choose';
  ui.handover.hidden = step !== 'handover';
  ui.discard.hidden = step !== 'handover';
  ui.cancel.hidden = step === 'handover';
  ui.cancel.disabled = step === 'running';
  ui.cancel.textContent = step === 'choose' ? 'Cancel' : 'Close';
  ui.go.hidden = !['choose', 'handover'].includes(step);
  ui.go.textContent = step === 'handover' ? 'Stored it: retire the old token' : 'Rotate';
}

/** The secret leaves the page: the field, the selection, the copy status. */
function forget(ui) {
  ui.secret.value = '';
  ui.copied.textContent = '';
  document.getSelection()?.removeAllRanges();
}

/** The hand-over phase: shows the secret, resolves on "stored", rejects on "not stored". */
function handOver(d, token) {
  const { ui } = d;
  ui.secret.value = token.token;
  ui.copied.textContent = '';
  setStep(d, 'handover');
  ui.copy.focus();
  return new Promise((resolve, reject) => {
    d.answer = (stored) => {
      d.answer = null;
      forget(ui);
      setStep(d, 'running');
      if (stored) resolve();
      else reject(new Error('the person did not store the new secret'));
    };
  });
}

function onPhase(d, e) {
  if (d.ui.dialog.dataset.run !== String(d.run)) return;
  const phase = SHOWN_AS[e.phase];
  if (!phase) return;
  if (e.phase === 'read' && e.status !== 'failed') {
    mark(d.ui, 'create', 'running');
    return;
  }
  mark(d.ui, phase, e.status === 'started' ? 'running' : e.status === 'done' ? 'done' : 'failed');
}

function describeOld(r) {
  const old = `The old token (${r.old.id}) `;
  if (r.retiredAs === 'overlap') {
    return `${old}keeps working until ${at(r.activeUntil)}, relabelled “${r.retiredLabel}”; the next prune or apply after that deactivates it, and one after ${exactTime(r.deleteAfter)} deletes it.`;
  }
  if (r.retiredAs === 'deleted') return `${old}was deleted.`;
  return `${old}was deactivated and relabelled “${r.retiredLabel}”; a prune or apply after ${exactTime(r.deleteAfter)} deletes it.`;
}

function showOutcome(d, r) {
  const { ui } = d;
  const lines = [
    h(
      'p',
      {},
      'Rotated ',
      h('strong', { text: `“${r.token.label}”` }),
      `: the new token (${r.token.id}) signed in and is in place, expiring ${r.token.expires_at ? at(r.token.expires_at) : 'never'}.`,
    ),
  ];
  if (r.retireError) {
    showAlert(
      ui.alert,
      `The old token (${r.old.id}) could not be retired: ${errorMessage(r.retireError)} ` +
        `It still works, and still has the label “${r.old.label}” as the new one does: deactivate or delete it from its details.`,
      { title: 'The new token is in place, but:' },
    );
  } else {
    lines.push(h('p', { text: describeOld(r) }));
  }
  fill(ui.outcome, lines);
}

/** Runs the rotation; every phase is shown, the outcome or the reason at the end. */
async function rotate(d) {
  const { ui, token, call } = d;
  clearAlert(ui.alert);
  fill(
    ui.phases,
    PHASES.map(([id, text]) => phaseItem(id, text)),
  );
  d.run++;
  ui.dialog.dataset.run = String(d.run);
  setStep(d, 'running');
  ui.status.textContent = `Rotating “${token.label}”…`;
  const options = {
    ...chosenOptions(ui),
    handOver: (t) => handOver(d, t),
    onPhase: (e) => onPhase(d, e),
  };
  // A failure of the new token's own phases (its sign-in refused, the hand-over declined) is the
  // rotation's, reported here with what the library left; it must not read as this session's
  // failure (a 401 of the new token's sign-in would otherwise sign the person out).
  const r = await call(ui.alert, async (hub, org) => {
    try {
      return { result: await hub.rotateAccessToken(org, token.id, options) };
    } catch (err) {
      if (typeof err?.phase === 'string' && 'undone' in err) return { failed: err };
      throw err;
    }
  });
  forget(ui);
  d.changed = true;
  for (const li of ui.phases.querySelectorAll('li[data-state=waiting]'))
    mark(ui, li.dataset.phase, 'skipped');
  ui.status.textContent = '';
  setStep(d, 'done');
  if (r.ok && r.value.result) {
    delete r.value.result.token.token; // shown once, and only in the hand-over's field
    showOutcome(d, r.value.result);
  } else if (r.ok) {
    const err = r.value.failed;
    showAlert(ui.alert, `${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}.`, {
      title: err.undone ? 'The rotation was undone.' : 'The rotation failed half-way.',
    });
  } else {
    fill(ui.outcome, h('p', { text: 'The old token was left as it was.' }));
  }
  ui.cancel.focus();
}

/**
 * @param {{ call: Function, afterDone: () => void }} hooks the session-guarded call; afterDone runs
 *   when the dialog closes after a rotation was tried (the list and the plan may have changed)
 */
export function createRotateDialog({ call, afterDone }) {
  const d = {
    ui: buildUi(),
    call,
    step: 'choose',
    token: null,
    run: 0,
    answer: null,
    changed: false,
  };
  const { ui } = d;
  copyField(ui.secret, ui.copy, ui.copied);
  ui.overlap.addEventListener('change', () => {
    ui.keep.checked = true;
  });
  ui.go.addEventListener('click', () => {
    if (d.step === 'choose') void rotate(d);
    else if (d.step === 'handover') d.answer?.(true);
  });
  ui.discard.addEventListener('click', () => d.answer?.(false));
  ui.cancel.addEventListener('click', () => ui.dialog.close());
  // While a rotation runs (or waits on the hand-over), Escape does not walk away from it.
  ui.dialog.addEventListener('cancel', (e) => {
    if (d.step === 'running' || d.step === 'handover') e.preventDefault();
  });
  // Leaving the page mid-rotation would leave the new token made but never handed over (and two
  // tokens with one label): the browser asks first.
  window.addEventListener('beforeunload', (e) => {
    if (d.step === 'running' || d.step === 'handover') e.preventDefault();
  });
  ui.dialog.addEventListener('close', () => {
    forget(ui);
    if (d.changed) afterDone();
    d.changed = false;
  });
  return {
    /** Opens the dialog for `token` (a list row or the details' token). */
    open(token) {
      if (d.step === 'running' || d.step === 'handover') return;
      d.token = token;
      clearAlert(ui.alert);
      ui.title.textContent = `Rotate “${token.label}”`;
      ui.intro.textContent =
        'A new token with the same label, description, resources and lifetime replaces this one. ' +
        'The page creates it, signs in with it to prove it works, shows you its secret once, and only then retires the old one. ' +
        'If a phase fails, the old token keeps working.';
      ui.deactivate.checked = true;
      ui.overlap.value = OVERLAPS[0][0];
      ui.phases.replaceChildren();
      ui.outcome.replaceChildren();
      ui.status.textContent = '';
      setStep(d, 'choose');
      openDialog(ui.dialog);
    },
    /** Sign-out: a hand-over in progress is answered "not stored", the dialog closed. */
    close() {
      d.answer?.(false);
      forget(ui);
      if (ui.dialog.open) ui.dialog.close();
    },
  };
}
