// The dashboard's mutable state, shared by its modules. Nothing here is ever written to storage.

/**
 * `session`: the signed-in session { hub, org, user } (the client holds the JWT), null when signed out.
 * `editor`: the token dialog's resource editor (made per session: it names the organization).
 * `audit`: the hygiene view (see audit-view.js), made once by app.js.
 * `code`: the "Tokens as code" panel (see tokens-as-code.js), made once by app.js.
 * `rotate`: the rotation dialog (see rotate-dialog.js), made once by app.js.
 */
export const app = { session: null, editor: null, audit: null, code: null, rotate: null };

export const view = {
  page: 1,
  pageSize: 10,
  total: 0,
  listSeq: 0,
  /** The token shown in the details dialog (with resources once loaded). */
  current: null,
  /** The token being edited, or null when the token dialog creates one. */
  editing: null,
  /** Token id -> { every, due } from the last checked file (tokens-as-code.js); null: no file. */
  due: null,
  /** The list answer on show, to show again when `due` changes. */
  shown: null,
};
