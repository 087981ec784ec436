// The resource editor of the "New access token" and "Edit access token" dialogs: repository rows
// (a path or glob, and scope checkboxes grouped as Docker's docs group them), public-repository read,
// and the organization scopes. Every scope is worded as the catalogue words it (bindings/scopes.js,
// the words `dockerhub-oat scopes` prints), its API name on hover. A higher scope checks and
// disables the ones it includes.

import { h, fill } from './dom.js';
import { REPO_GROUPS, IMPLIES, ORG_SCOPE_NAMES, PUBLIC_PATH, scopeName } from './format.js';

const KNOWN_REPO_SCOPES = new Set(REPO_GROUPS.flatMap((g) => g.scopes.map(([id]) => id)));
const PUBLIC_READ_SCOPES = ['scope-image-pull'];

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/**
 * Re-applies the implications inside one repository row. Each box remembers whether the person
 * (or the token being edited) chose it (`data-chosen`); a box implied by a chosen higher scope is
 * checked and disabled, and goes back to its own choice when the higher scope is unchecked.
 */
function applyImplications(row) {
  const boxes = [...row.querySelectorAll('input[type=checkbox][data-scope]')];
  const implied = new Set(
    boxes.filter((b) => b.dataset.chosen).flatMap((b) => IMPLIES[b.dataset.scope] ?? []),
  );
  for (const box of boxes) {
    const forced = implied.has(box.dataset.scope);
    box.disabled = forced;
    box.checked = forced || Boolean(box.dataset.chosen);
  }
}

function choose(box, chosen) {
  if (chosen) box.dataset.chosen = '1';
  else delete box.dataset.chosen;
}

function repoRow(org, index, onRemove) {
  const pathId = nextId('repo-path');
  const row = h('div', { class: 'repo-row', role: 'group', 'aria-label': `Repository ${index}` });
  const path = h('input', {
    id: pathId,
    type: 'text',
    class: 'repo-path',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'none',
    placeholder: `${org}/api or ${org}/*`,
  });
  const groups = REPO_GROUPS.map((g) =>
    h(
      'fieldset',
      { class: 'scope-group' },
      h('legend', { text: g.name }),
      g.scopes.map(([scope, short]) =>
        h(
          'label',
          { class: 'check', title: scope },
          // Named as the catalogue words it in full ("Images: push (and pull)"), shown in the group.
          h('input', {
            type: 'checkbox',
            'aria-label': scopeName(scope),
            dataset: { scope },
            on: {
              change: (e) => {
                choose(e.target, e.target.checked);
                applyImplications(row);
              },
            },
          }),
          short,
        ),
      ),
    ),
  );
  row.append(
    h(
      'div',
      { class: 'repo-head' },
      h('div', { class: 'field' }, h('label', { for: pathId, text: 'Repository' }), path),
      h('button', {
        type: 'button',
        class: 'quiet small',
        text: 'Remove',
        'aria-label': `Remove repository ${index}`,
        on: { click: onRemove },
      }),
    ),
    h('div', { class: 'scope-groups' }, groups),
  );
  return row;
}

const freshKept = () => ({
  publicScopes: PUBLIC_READ_SCOPES,
  others: [],
  orgExtra: [],
  extraByRow: new WeakMap(),
});

/** The organization scope boxes, folded in a <details>. */
function orgSection(org) {
  const boxes = Object.entries(ORG_SCOPE_NAMES).map(([scope, name]) =>
    h(
      'label',
      { class: 'check', title: scope },
      h('input', { type: 'checkbox', dataset: { scope } }),
      name,
    ),
  );
  const details = h(
    'details',
    { class: 'org-scopes' },
    h('summary', {}, 'Organization access (', h('span', { class: 'mono', text: org }), ')'),
    h(
      'div',
      { class: 'org-grid', role: 'group', 'aria-label': `Organization scopes for ${org}` },
      boxes,
    ),
  );
  return { boxes, details };
}

/** The repository rows with their Add button; addRow() appends a blank row and returns it. */
function repoRows(org) {
  const rows = h('div', { class: 'repo-rows' });
  const renumber = () => {
    [...rows.children].forEach((row, i) => {
      row.setAttribute('aria-label', `Repository ${i + 1}`);
      row
        .querySelector('.repo-head button')
        .setAttribute('aria-label', `Remove repository ${i + 1}`);
    });
  };
  const addRow = () => {
    const row = repoRow(org, rows.children.length + 1, () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber();
      (next?.querySelector('.repo-path') ?? addButton).focus();
    });
    rows.append(row);
    return row;
  };
  const addButton = h('button', {
    type: 'button',
    class: 'quiet small',
    text: 'Add repository',
    on: { click: () => addRow().querySelector('.repo-path').focus() },
  });
  return { rows, addRow, addButton };
}

/** Fills `container` with the editor's sections; returns its parts. */
function buildEditor(container, org) {
  const { rows, addRow, addButton } = repoRows(org);
  const publicBox = h('input', { type: 'checkbox', id: nextId('public-read') });
  const { boxes: orgBoxes, details: orgDetails } = orgSection(org);
  fill(
    container,
    h(
      'fieldset',
      { class: 'resources' },
      h('legend', { text: 'Repository access' }),
      h('p', {
        class: 'hint',
        text: `A repository (${org}/api) or a pattern (${org}/*). A higher scope includes the ones it lists in Docker’s documentation: push includes pull, delete includes push; edit includes read, admin includes edit.`,
      }),
      rows,
      addButton,
    ),
    h(
      'div',
      { class: 'check public-read' },
      publicBox,
      h('label', { for: publicBox.id, text: 'Public repositories (read)' }),
      h('p', {
        class: 'hint',
        text: 'Lets the token pull any public image on Docker Hub. Tokens made through the API leave it out unless asked.',
      }),
    ),
    orgDetails,
  );
  return { org, rows, addRow, publicBox, orgBoxes, orgDetails };
}

/** Shows one repository resource in a new row; scopes the row has no box for are kept. */
function showRepo(parts, kept, r) {
  const row = parts.addRow();
  row.querySelector('.repo-path').value = r.path;
  for (const scope of r.scopes ?? []) {
    const box = row.querySelector(`input[data-scope="${CSS.escape(scope)}"]`);
    if (box) choose(box, true);
  }
  kept.extraByRow.set(
    row,
    (r.scopes ?? []).filter((s) => !KNOWN_REPO_SCOPES.has(s)),
  );
  applyImplications(row);
}

/** Shows the organization resource's scopes; scopes with no box are kept. */
function showOrg(parts, kept, r) {
  for (const scope of r.scopes ?? []) {
    const box = parts.orgDetails.querySelector(`input[data-scope="${CSS.escape(scope)}"]`);
    if (box) box.checked = true;
    else kept.orgExtra.push(scope);
  }
  parts.orgDetails.open = true;
}

/** Shows each resource where it belongs; one the editor has no control for is kept as it is. */
function showResources(parts, kept, resources) {
  for (const r of resources) {
    if (r.type === 'TYPE_REPO' && r.path === PUBLIC_PATH) {
      parts.publicBox.checked = true;
      kept.publicScopes = r.scopes?.length ? [...r.scopes] : PUBLIC_READ_SCOPES;
    } else if (r.type === 'TYPE_REPO') {
      showRepo(parts, kept, r);
    } else if (r.type === 'TYPE_ORG' && r.path === parts.org) {
      showOrg(parts, kept, r);
    } else {
      kept.others.push(r);
    }
  }
}

/** The repository rows as resources, and the problems of the rows a person must fix. */
function readRepos(parts, kept, resources, problems) {
  const { rows, org } = parts;
  [...rows.children].forEach((row, i) => {
    const path = row.querySelector('.repo-path').value.trim();
    const scopes = [...row.querySelectorAll('input[data-scope]')]
      .filter((b) => b.checked)
      .map((b) => b.dataset.scope);
    scopes.push(...(kept.extraByRow.get(row) ?? []));
    const n = rows.children.length > 1 ? ` ${i + 1}` : '';
    if (!path && !scopes.length) return;
    if (!path)
      problems.push(
        `Repository${n}: enter a repository (${org}/name) or a pattern (${org}/*) for the scopes you chose.`,
      );
    else if (!path.includes('/'))
      problems.push(`Repository${n}: write it with its namespace, as ${org}/${path}.`);
    else if (!scopes.length) problems.push(`Repository${n} (${path}): choose at least one scope.`);
    else resources.push({ type: 'TYPE_REPO', path, scopes });
  });
}

/**
 * @param {HTMLElement} container filled with the editor
 * @param {string} org the organization (TYPE_ORG path, placeholders)
 */
export function createResourceEditor(container, org) {
  const parts = buildEditor(container, org);
  const { rows, addRow, publicBox, orgBoxes, orgDetails } = parts;
  /** Scopes and resources the editor has no control for: kept as they were, sent back unchanged. */
  let kept = freshKept();

  return {
    /** Empties the editor: one blank repository row. */
    reset() {
      rows.replaceChildren();
      addRow();
      publicBox.checked = false;
      for (const l of orgBoxes) l.querySelector('input').checked = false;
      orgDetails.open = false;
      kept = freshKept();
    },

    /** Shows a token's resources. */
    set(resources = []) {
      this.reset();
      rows.replaceChildren();
      showResources(parts, kept, resources);
      if (!rows.children.length) addRow();
    },

    /**
     * The resources as the API takes them, or the problems a person must fix first.
     * @returns {{ resources: object[], problems: string[] }}
     */
    read() {
      const resources = [];
      const problems = [];
      readRepos(parts, kept, resources, problems);
      if (publicBox.checked)
        resources.push({ type: 'TYPE_REPO', path: PUBLIC_PATH, scopes: [...kept.publicScopes] });
      const orgScopes = orgBoxes
        .map((l) => l.querySelector('input'))
        .filter((b) => b.checked)
        .map((b) => b.dataset.scope);
      orgScopes.push(...kept.orgExtra);
      if (orgScopes.length) resources.push({ type: 'TYPE_ORG', path: org, scopes: orgScopes });
      resources.push(...kept.others);
      return { resources, problems };
    },
  };
}
