// The tokens table: one page of the organization's tokens, its pager and page size, Refresh, and
// the rule that keeps a page that came back empty from starting a loop of requests.

import { h, fill, busy, clearAlert } from './dom.js';
import { statusWords } from './format.js';
import { el } from './elements.js';
import { badge, timeCell, refreshRelativeTimes } from './cells.js';
import { isDue } from './rotation-due.js';

/**
 * The tokens table, made once by app.js.
 * @param {{ call: Function, org: () => string | undefined, onOpen: (token: object) => void }} deps
 *   the session's call, its organization, and what opens a token's details
 */
export function createTokenList({ call, org, onOpen }) {
  const view = {
    page: 1,
    pageSize: 10,
    total: 0,
    listSeq: 0,
    /** Token id -> { every, due } from the last checked file (tokens-as-code.js); null: no file. */
    due: null,
    /** The list answer on show, to show again when `due` changes. */
    shown: null,
  };

  /** The "Rotation due" cell, shown once a checked file has a `rotate_every` (rotation-due.js). */
  function dueCell(t) {
    if (!view.due) return null;
    const d = view.due.get(t.id);
    if (!d) return h('td', { 'data-label': 'Rotation due', class: 'muted', text: 'No schedule' });
    return h(
      'td',
      { 'data-label': 'Rotation due', title: `rotate_every ${d.every}` },
      isDue(d.due) ? [h('span', { class: 'badge badge-warn', text: 'Due' }), ' '] : null,
      timeCell(d.due, 'Unknown'),
    );
  }

  function rowFor(t) {
    return h(
      'tr',
      { dataset: { id: t.id } },
      h(
        'th',
        { scope: 'row', class: 'label-cell' },
        h('button', {
          type: 'button',
          class: 'link',
          text: t.label,
          on: { click: () => onOpen(t) },
        }),
      ),
      h('td', { 'data-label': 'Status' }, badge(statusWords(t))),
      h('td', {
        'data-label': 'Created by',
        class: t.created_by ? '' : 'muted',
        text: t.created_by || '—',
      }),
      h('td', { 'data-label': 'Created' }, timeCell(t.created_at, 'Unknown')),
      h('td', { 'data-label': 'Last used' }, timeCell(t.last_used_at, 'Never')),
      h('td', { 'data-label': 'Expires' }, timeCell(t.expires_at, 'Never')),
      dueCell(t),
    );
  }

  /** Shows one list answer ({ total, next, results }) as page view.page. */
  function renderPage(page) {
    view.total = page.total;
    view.shown = page;
    el.dueHead.hidden = !view.due;
    const pages = Math.max(1, Math.ceil(page.total / view.pageSize));
    fill(el.rows, page.results.map(rowFor));
    el.total.textContent = `${page.total} ${page.total === 1 ? 'token' : 'tokens'}`;
    const empty = page.total === 0;
    el.empty.hidden = !empty;
    el.emptyTitle.textContent = `${org()} has no access tokens yet`;
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
    const r = await call(el.mainAlert, (hub, o) =>
      hub.listAccessTokens(o, { page: view.page, pageSize: view.pageSize }),
    );
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
    if (view.page > 1) {
      view.page--;
      void loadPage();
    }
  });
  el.next.addEventListener('click', () => {
    view.page++;
    void loadPage();
  });
  el.pageSize.addEventListener('change', () => {
    view.pageSize = Number(el.pageSize.value);
    view.page = 1;
    void loadPage();
  });
  setInterval(refreshRelativeTimes, 60_000);

  return {
    /** Reloads the page on show. */
    load: () => loadPage(),
    /** Shows page 1 from its answer (the sign-in's first call), or loads it when none is given. */
    first(page) {
      view.page = 1;
      return page ? renderPage(page) : loadPage();
    },
    pageSize: () => view.pageSize,
    /** The rotation schedule of a checked file (token id -> { every, due }), or null. */
    due: () => view.due,
    /** Shows the next-due dates of a checked file (null: none) on the page already shown. */
    showDue(due) {
      view.due = due && due.size ? due : null;
      if (view.shown && org()) renderPage(view.shown);
    },
    /** Forgets the session's answers: one still on its way is dropped. */
    reset() {
      view.listSeq++;
      view.shown = null;
    },
  };
}
