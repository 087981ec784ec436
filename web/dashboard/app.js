// The admin dashboard: sign in, list, create, inspect, edit, (de)activate and delete a Docker Hub
// organization's access tokens through the package's browser build. This module only wires the
// parts together; each part is a module of its own:
//   signin.js        the sign-in form          session.js  a call for the session, sign-out
//   token-list.js    the table and its pager   details.js  one token, (de)activate, delete
//   rotate-dialog.js the verified rotation of one token, phase by phase
//   token-dialog.js  new and edit              token-form.js  the dialog's resource editor
//   secret.js        a created token's value   audit-view.js  the hygiene audit
//   tokens-as-code.js  download tokens.json, a dropped file's plan; rotation-due.js its due dates
//   elements.js, cells.js, dom.js, format.js: the page's elements and shared pieces.
//
// Secrets: the password is read once from its field (which is cleared at once) and handed to the
// WASM client, which exchanges it for a JWT and keeps both in its heap for the whole session (it signs
// in again with the password when the JWT expires) until sign-out closes it. A created token's value
// is put in one read-only field and removed from it (and from every JS object) when its dialog closes.
// Nothing goes to localStorage, sessionStorage, cookies or the URL. Server text is only ever set as
// textContent (see dom.js).

import { $ } from './dom.js';
import { el } from './elements.js';
import { createSession } from './session.js';
import { createSignIn } from './signin.js';
import { createTokenList } from './token-list.js';
import { createDetails } from './details.js';
import { createTokenDialog } from './token-dialog.js';
import { createSecretDialog } from './secret.js';
import { createAuditView } from './audit-view.js';
import { createTokensAsCode } from './tokens-as-code.js';
import { createRotateDialog } from './rotate-dialog.js';

// Each part is made once here, with what it needs of the others; no part imports another's.
const session = createSession({
  onEnter(org) {
    audit.reset();
    code.reset();
    tokenDialog.enter(org);
  },
  onLeave() {
    list.reset();
    details.reset();
    tokenDialog.reset();
    secret.forget();
    rotate.close();
    audit.reset();
    code.reset();
  },
});
const { call } = session;
const org = () => session.org;
const list = createTokenList({ call, org, onOpen: (t) => void details.open(t) });
const audit = createAuditView($('#audit-view'), { call, onChanged: () => void list.load() });
const code = createTokensAsCode($('#code-view'), { call, onDue: (due) => list.showDue(due) });
const rotate = createRotateDialog({
  call,
  afterDone: () => {
    void list.load();
    code.refresh();
  },
});
const details = createDetails({
  call,
  due: () => list.due(),
  onChanged: () => list.load(),
  onEdit: (t) => tokenDialog.open(t),
  onRotate: (t) => rotate.open(t),
});
const tokenDialog = createTokenDialog({
  call,
  org,
  onSaved: (t) => {
    details.saved(t);
    void list.load();
  },
  onCreated: (created) => {
    secret.show(created);
    void list.first();
  },
});
const secret = createSecretDialog({ org });
createSignIn({
  session,
  pageSize: () => list.pageSize(),
  onSignedIn: (first) => void list.first(first),
});

for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog').close());
}

// The form stays disabled until this module runs, so it can never be posted without the handler.
el.signinButton.disabled = false;
el.org.focus();
