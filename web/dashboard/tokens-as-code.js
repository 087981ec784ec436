// The "Tokens as code" panel: download the organization as tokens.json (bindings/tools/export.js, the
// CLI's `export`), and drop a tokens.json in (or choose one) to see its plan, read-only, in the
// words the CLI prints (plan.text, made by bindings/tools/plan.js for both). Nothing here changes a
// token. A file that names a `rotate_every` also tells the list when each token is next due
// (rotation-due.js). Everything read from a file or the server is set as text (dom.js).

import { exportAccessTokens } from '/bindings/tools/export.js';
import { secretlessEntries } from '/bindings/tools/plan.js';
import { jsonDocument } from '/bindings/text.js';
import { h, fill, busy, clearAlert, showAlert } from './dom.js';
import { dueFromPlan } from './rotation-due.js';

/** Files larger than this are refused before they are read: a manifest is a few kilobytes. */
export const MAX_FILE_BYTES = 1024 * 1024;

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function buildUi(root) {
  const ui = {
    download: h('button', {
      type: 'button',
      class: 'quiet',
      id: 'code-download',
      text: 'Download tokens.json',
    }),
    choose: h('button', {
      type: 'button',
      class: 'quiet',
      id: 'code-choose',
      text: 'Check a file…',
    }),
    file: h('input', {
      type: 'file',
      id: 'code-file',
      class: 'vh',
      accept: '.json,application/json',
      tabindex: '-1',
      'aria-hidden': 'true',
    }),
    prune: h('input', { type: 'checkbox', id: 'code-prune' }),
    drop: h(
      'div',
      { class: 'drop-zone', id: 'code-drop' },
      h('span', { text: 'Drop a tokens.json here to see its plan.' }),
    ),
    alert: h('div', { class: 'alert', role: 'alert', hidden: true }),
    status: h('p', { class: 'status', role: 'status' }),
    planTitle: h('h3', { id: 'code-plan-title' }),
    planText: h('pre', {
      class: 'plan-text',
      id: 'code-plan',
      tabindex: '0',
      'aria-labelledby': 'code-plan-title',
    }),
  };
  ui.result = h('div', { class: 'code-result', hidden: true }, ui.planTitle, ui.planText);
  fill(
    root,
    h(
      'div',
      { class: 'code-head' },
      h(
        'div',
        {},
        h('h2', { id: 'code-title', text: 'Tokens as code' }),
        h(
          'p',
          { class: 'hint' },
          'Keep the tokens in a reviewed file. Download them as tokens.json (no secrets: Docker Hub never returns them), ' +
            'or check a file to see what ',
          h('code', { text: 'dockerhub-oat apply' }),
          ' would change. Nothing is changed from here.',
        ),
      ),
      h('div', { class: 'buttons' }, ui.download, ui.choose, ui.file),
    ),
    ui.drop,
    h(
      'label',
      { class: 'check code-prune' },
      ui.prune,
      h(
        'span',
        {},
        'Count the tokens the file does not list as deletes (',
        h('code', { text: '--prune' }),
        ')',
      ),
    ),
    ui.alert,
    ui.status,
    ui.result,
  );
  return ui;
}

/** Saves `text` as a download named `name`, through a blob: URL let go at once. */
function saveAs(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

async function download(ctx) {
  const { ui, call } = ctx;
  clearAlert(ui.alert);
  ui.status.textContent = '';
  busy(ui.download, true, 'Reading tokens…');
  const r = await call(ui.alert, (hub, org) => exportAccessTokens(hub, org));
  busy(ui.download, false);
  if (!r.ok) return;
  const { manifest, skipped } = r.value;
  saveAs('tokens.json', jsonDocument(manifest)); // the bytes `dockerhub-oat export` prints
  // Tokens a rotation retired are the rotation's to finish, not the file's (bindings/tools/export.js).
  const { retired } = r.value;
  ui.status.textContent =
    `Downloaded tokens.json: ${plural(Object.keys(manifest.tokens).length, 'token')}.` +
    (retired.length
      ? ` ${plural(retired.length, 'token')} retired by a rotation left out: prune or apply deletes ${retired.length === 1 ? 'it' : 'them'} after the grace.`
      : '');
  if (skipped.length) {
    showAlert(
      ui.alert,
      skipped
        .map(
          (t) =>
            `Token ${t.id} is labelled “${t.label}” like another: left out (labels must be unique).`,
        )
        .join('\n'),
      { title: 'Not every token is in the file:' },
    );
  }
}

/** The plan of `file`, shown as the CLI prints it; its due dates go to onDue. */
async function check(ctx, file) {
  const { ui, state, call } = ctx;
  const seq = ++state.seq;
  clearAlert(ui.alert);
  ui.status.textContent = '';
  ui.result.hidden = true;
  if (file.size > MAX_FILE_BYTES) {
    showAlert(
      ui.alert,
      `${file.name} is ${plural(file.size, 'byte')}; a tokens file may have at most ${MAX_FILE_BYTES}.`,
      { title: 'The file was not read.' },
    );
    return;
  }
  ui.status.textContent = `Planning ${file.name}…`;
  let text;
  try {
    text = await file.text();
  } catch {
    // A file read again (--prune toggled, the tokens changed) may be gone from the disk by then.
    if (seq !== state.seq) return;
    state.file = null;
    ui.status.textContent = '';
    showAlert(ui.alert, `${file.name} could not be read: choose it again.`, {
      title: 'The file was not read.',
    });
    return;
  }
  if (seq !== state.seq) return;
  const r = await call(ui.alert, (hub, org) =>
    hub.planAccessTokens(org, text, { prune: ui.prune.checked }),
  );
  if (seq !== state.seq) return;
  ui.status.textContent = '';
  if (!r.ok) {
    // A file the core refused names its line; the alert says which file, as the CLI does.
    if (ui.alert.firstChild)
      ui.alert.prepend(h('strong', { text: `${file.name} was not planned.` }));
    return;
  }
  const plan = r.value;
  // What apply would refuse is refused here too, in the CLI's words (bindings/tools/plan.js).
  const secretless = secretlessEntries(plan);
  if (secretless.length) {
    showAlert(ui.alert, secretless.join('\n'), {
      title: `${file.name} was not planned: apply would refuse it.`,
    });
    return;
  }
  state.file = file;
  ui.planTitle.textContent = `Plan of ${file.name}: ${plan.changes ? plural(plan.changes, 'change') : 'no changes'}`;
  ui.planText.textContent = plan.text;
  ui.result.hidden = false;
  ctx.onDue(dueFromPlan(plan));
}

/** A file dragged over the page is taken by the drop zone, never opened in place of the page. */
function guardPageDrops(ui, onFile) {
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  document.addEventListener('dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  document.addEventListener('drop', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  ui.drop.addEventListener('dragenter', () => ui.drop.classList.add('over'));
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (e) => {
    ui.drop.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) onFile(file);
  });
}

function reset(ctx) {
  const { ui, state } = ctx;
  state.seq++;
  state.file = null;
  ui.file.value = '';
  ui.prune.checked = false;
  ui.result.hidden = true;
  ui.planText.textContent = '';
  ui.planTitle.textContent = '';
  ui.status.textContent = '';
  clearAlert(ui.alert);
  ctx.onDue(null);
}

/**
 * @param {HTMLElement} root the (empty) section of index.html
 * @param {{ call: Function, onDue: (due: Map<string, object> | null) => void }} hooks the
 *   session-guarded call; onDue gets the next-due dates of a checked file (null: none loaded)
 */
export function createTokensAsCode(root, { call, onDue }) {
  const ui = buildUi(root);
  const ctx = { ui, call, onDue, state: { seq: 0, file: null } };
  ui.download.addEventListener('click', () => void download(ctx));
  ui.choose.addEventListener('click', () => ui.file.click());
  ui.file.addEventListener('change', () => {
    const file = ui.file.files?.[0];
    ui.file.value = ''; // the same file chosen again plans again
    if (file) void check(ctx, file);
  });
  ui.prune.addEventListener('change', () => {
    if (ctx.state.file) void check(ctx, ctx.state.file);
  });
  guardPageDrops(ui, (file) => void check(ctx, file));
  return {
    reset: () => reset(ctx),
    /** Plans the last file again (after a change to the tokens), if one was checked. */
    refresh: () => {
      if (ctx.state.file) void check(ctx, ctx.state.file);
    },
  };
}
