// The hygiene panel's "Clean up" dialog (audit-view.js opens it): the prune candidates with
// checkboxes (unused ones unchecked), one confirmation, then the deletes one by one with progress
// and a result per token, stopping at the first failure.

import { pruneCandidates } from '/bindings/tools/audit.js';
import { $, h, fill, clearAlert, openDialog } from './dom.js';

const plural = (n) => `${n} ${n === 1 ? 'token' : 'tokens'}`;

/** The dialog and its parts, appended to the page. */
function buildCleanupUi() {
  const ui = {
    list: h('ul', { class: 'cleanup-list' }),
    confirm: h('p', { class: 'cleanup-confirm', hidden: true }),
    progress: h('progress', { hidden: true, value: 0, max: 1, 'aria-label': 'Deleted so far' }),
    status: h('p', { class: 'status', role: 'status' }),
    alert: h('div', { class: 'alert', role: 'alert', hidden: true }),
    cancel: h('button', { type: 'button', class: 'quiet', id: 'cleanup-cancel', text: 'Cancel' }),
    go: h('button', { type: 'button', class: 'danger', id: 'cleanup-delete', text: 'Delete' }),
  };
  ui.dialog = h(
    'dialog',
    { id: 'cleanup-dialog', 'aria-labelledby': 'cleanup-title' },
    h(
      'div',
      { class: 'dialog-form' },
      h(
        'header',
        { class: 'dialog-head' },
        h('h2', { id: 'cleanup-title', text: 'Clean up tokens' }),
      ),
      h(
        'div',
        { class: 'dialog-body' },
        ui.alert,
        h('p', {
          class: 'hint',
          text: 'Expired and deactivated tokens still count toward the organization’s limit until they are deleted. Unused ones are listed too, unchecked: check them only if nothing needs them.',
        }),
        ui.list,
        ui.confirm,
        ui.progress,
        ui.status,
      ),
      h('footer', { class: 'dialog-actions' }, h('span', { class: 'spacer' }), ui.cancel, ui.go),
    ),
  );
  document.body.append(ui.dialog);
  return ui;
}

const boxes = (ui) => [...ui.list.querySelectorAll('input[type=checkbox]')];
const chosen = (d) => d.candidates.filter((c, i) => boxes(d.ui)[i].checked);

function update(d) {
  const n = chosen(d).length;
  d.ui.go.disabled = n === 0;
  d.ui.go.textContent = d.step === 'confirm' ? `Yes, delete ${plural(n)}` : `Delete ${plural(n)}…`;
}

function open(d, report) {
  const { ui } = d;
  d.candidates = pruneCandidates(report, {
    expired: true,
    inactive: true,
    unusedDays: report.unusedDays,
  });
  d.step = 'choose';
  d.changed = false;
  clearAlert(ui.alert);
  ui.confirm.hidden = true;
  ui.progress.hidden = true;
  ui.status.textContent = d.candidates.length
    ? ''
    : 'Nothing to clean up: no expired, inactive or unused token.';
  ui.cancel.textContent = 'Cancel';
  ui.go.hidden = d.candidates.length === 0;
  fill(
    ui.list,
    d.candidates.map((c, i) =>
      h(
        'li',
        { dataset: { id: c.id } },
        h(
          'label',
          { class: 'check' },
          h('input', {
            type: 'checkbox',
            checked: c.reason !== 'unused',
            id: `cleanup-${i}`,
            on: { change: () => update(d) },
          }),
          h(
            'span',
            {},
            h('strong', { text: c.label }),
            ' ',
            h('span', { class: 'muted', text: c.sentence }),
          ),
        ),
        h('span', { class: 'result', role: 'status' }),
      ),
    ),
  );
  update(d);
  openDialog(ui.dialog);
}

function mark(result, text, className) {
  result.textContent = text;
  result.className = className;
}

/** Deletes the chosen tokens one after another; after a failure the rest are not attempted. */
async function deleteChosen(d, call) {
  const { ui } = d;
  const list = chosen(d);
  d.step = 'deleting';
  ui.go.hidden = true;
  ui.cancel.disabled = true;
  ui.confirm.hidden = true;
  ui.progress.hidden = false;
  ui.progress.max = list.length;
  ui.progress.value = 0;
  let failed = false;
  for (const [i, c] of list.entries()) {
    const result = $(`li[data-id="${CSS.escape(c.id)}"] .result`, ui.list);
    if (failed) {
      mark(result, 'Not attempted', 'result muted');
      continue;
    }
    ui.status.textContent = `Deleting ${i + 1} of ${list.length}: ${c.label}…`;
    const r = await call(ui.alert, (hub, org) => hub.deleteAccessToken(org, c.id));
    if (r.ok) {
      d.changed = true;
      mark(result, 'Deleted', 'result ok');
      ui.progress.value = i + 1;
    } else {
      failed = true;
      mark(result, 'Failed', 'result bad');
    }
  }
  const done = ui.progress.value;
  ui.status.textContent = failed
    ? `Deleted ${done} of ${list.length}; stopped at the first failure (see above). The rest were not attempted.`
    : `Deleted ${plural(done)}.`;
  d.step = 'done';
  ui.cancel.disabled = false;
  ui.cancel.textContent = 'Close';
  ui.cancel.focus();
}

/** Delete: the first click asks to confirm, the second deletes. */
function onGo(d, call) {
  const { ui } = d;
  if (d.step === 'choose') {
    d.step = 'confirm';
    for (const b of boxes(ui)) b.disabled = true;
    ui.confirm.hidden = false;
    ui.confirm.textContent = `Delete ${chosen(d)
      .map((c) => c.label)
      .join(', ')} for good? This cannot be undone.`;
    ui.cancel.textContent = 'Back';
    update(d);
    ui.go.focus();
  } else if (d.step === 'confirm') {
    void deleteChosen(d, call);
  }
}

/** Cancel: back from the confirmation to the choice, else closes. */
function onCancel(d) {
  const { ui } = d;
  if (d.step === 'confirm') {
    d.step = 'choose';
    for (const b of boxes(ui)) b.disabled = false;
    ui.confirm.hidden = true;
    ui.cancel.textContent = 'Cancel';
    update(d);
    return;
  }
  ui.dialog.close();
}

/**
 * @param {{ call: Function, afterDone: () => void }} hooks the session-guarded call; afterDone runs
 *   when the dialog closes after at least one delete
 */
export function createCleanupDialog({ call, afterDone }) {
  const d = { ui: buildCleanupUi(), step: 'choose', changed: false, candidates: [] };
  const { ui } = d;
  ui.go.addEventListener('click', () => onGo(d, call));
  ui.cancel.addEventListener('click', () => onCancel(d));
  ui.dialog.addEventListener('cancel', (e) => {
    if (d.step === 'deleting') e.preventDefault();
  });
  ui.dialog.addEventListener('close', () => {
    if (d.changed) afterDone();
    d.changed = false;
  });
  return {
    open: (report) => open(d, report),
    close: () => {
      if (ui.dialog.open) ui.dialog.close();
    },
  };
}
