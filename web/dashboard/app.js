// The admin dashboard: sign in, list, create, inspect, edit, (de)activate and delete a Docker Hub
// organization's access tokens through the package's browser build. This module only wires the
// parts together; each part is a module of its own:
//   signin.js        the sign-in form          session.js  a call for the session, sign-out
//   token-list.js    the table and its pager   details.js  one token, (de)activate, delete
//   rotate-dialog.js the verified rotation of one token, phase by phase
//   token-dialog.js  new and edit              token-form.js  the dialog's resource editor
//   secret.js        a created token's value   audit-view.js  the hygiene audit
//   tokens-as-code.js  download tokens.json, a dropped file's plan; rotation-due.js its due dates
//   elements.js, state.js, cells.js, dom.js, format.js: the elements, the state, shared pieces.
//
// Secrets: the password is read once from its field (which is cleared at once) and handed to the
// WASM client, which exchanges it for a JWT and keeps both in its heap for the whole session (it signs
// in again with the password when the JWT expires) until sign-out closes it. A created token's value
// is put in one read-only field and removed from it (and from every JS object) when its dialog closes.
// Nothing goes to localStorage, sessionStorage, cookies or the URL. Server text is only ever set as
// textContent (see dom.js).

import { $ } from './dom.js';
import { el } from './elements.js';
import { app } from './state.js';
import { call } from './session.js';
import { wireSignIn } from './signin.js';
import { loadPage, showDue, wireTokenList } from './token-list.js';
import { wireDetails } from './details.js';
import { openTokenDialog, wireTokenDialog } from './token-dialog.js';
import { wireSecretDialog } from './secret.js';
import { createAuditView } from './audit-view.js';
import { createTokensAsCode } from './tokens-as-code.js';
import { createRotateDialog } from './rotate-dialog.js';

wireSignIn();
app.audit = createAuditView($('#audit-view'), { call, onChanged: () => void loadPage() });
app.code = createTokensAsCode($('#code-view'), { call, onDue: showDue });
wireTokenList();
app.rotate = createRotateDialog({ call, afterDone: () => { void loadPage(); app.code.refresh(); } });
wireDetails({ onChanged: () => loadPage(), onEdit: openTokenDialog, onRotate: (t) => app.rotate.open(t) });
wireTokenDialog();
wireSecretDialog();

for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog').close());
}

// The form stays disabled until this module runs, so it can never be posted without the handler.
el.signinButton.disabled = false;
el.org.focus();
