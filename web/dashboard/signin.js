// The sign-in form. The password is read once from its field (which is cleared at once) and handed
// to the WASM client; the first list call proves the account may manage the organization's tokens.

import { createClient } from '/bindings/index.web.js';
import { busy, showAlert, clearAlert, showRateLimit } from './dom.js';
import { errorMessage } from './format.js';
import { el } from './elements.js';

const TIMEOUT_MS = 15000;

function signInFailure(err, org, user) {
  switch (err?.code) {
    case 'unauthorized':
      return `Sign-in failed: ${errorMessage(err)} Check the username and the password or access token.`;
    case 'forbidden':
      return `${user} may not manage the access tokens of ${org}: ${err.message || 'only organization owners may.'}`;
    case 'not_found':
      return `There is no organization named ${org}, or it is not visible to ${user}.`;
    default:
      return errorMessage(err);
  }
}

/** The form's three fields (the secret's field emptied at once), or null with the gap shown. */
function readSignInForm() {
  const org = el.org.value.trim();
  const user = el.user.value.trim();
  const secret = el.secret.value;
  el.secret.value = '';
  if (!org || !user || !secret) {
    showAlert(
      el.signinAlert,
      'Fill in the organization, the username and the password or access token.',
    );
    (!org ? el.org : !user ? el.user : el.secret).focus();
    return null;
  }
  return { org, user, secret };
}

/** A client holding the secret, or null with the reason shown. The form forgets the secret. */
async function openClient(form) {
  try {
    return await createClient({
      baseUrl: location.origin,
      credentials: { identifier: form.user, secret: form.secret },
      timeoutMs: TIMEOUT_MS,
    });
  } catch (err) {
    busy(el.signinButton, false);
    showAlert(
      el.signinAlert,
      err?.code === 'invalid_argument'
        ? `Sign-in failed: ${err.message}`
        : `The dashboard could not start: ${err?.message ?? err}`,
    );
    el.secret.focus();
    return null;
  } finally {
    form.secret = '';
  }
}

/**
 * The sign-in form and the sign-out button, made once by app.js.
 * @param {{ session: ReturnType<typeof import('./session.js').createSession>, pageSize: () => number,
 *   onSignedIn: (firstPage: object) => void }} deps the session, the list's page size, and what
 *   shows the first page once the session is proven
 */
export function createSignIn({ session, pageSize, onSignedIn }) {
  /** Starts the session on `hub`: its first page, or back to the form with the reason. */
  async function startSession(hub, org, user) {
    const s = { hub, org, user };
    session.begin(s);
    let first;
    try {
      // The first call exchanges the secret for a JWT and proves the account may manage the tokens.
      first = await hub.listAccessTokens(org, { page: 1, pageSize: pageSize() });
    } catch (err) {
      session.abandon(s);
      hub.close();
      busy(el.signinButton, false);
      if (err?.code === 'rate_limited') showRateLimit(el.signinAlert, err.retryAfter);
      else showAlert(el.signinAlert, signInFailure(err, org, user));
      el.secret.focus();
      return;
    }
    busy(el.signinButton, false);
    if (!session.isCurrent(s)) return;
    session.enterTokensView();
    onSignedIn(first);
    session.showRateInfo();
    el.newToken.focus();
  }

  async function submitSignIn(event) {
    event.preventDefault();
    if (el.signinButton.disabled) return;
    clearAlert(el.signinAlert);
    const form = readSignInForm();
    if (!form) return;
    busy(el.signinButton, true, 'Signing in…');
    const hub = await openClient(form);
    if (hub) await startSession(hub, form.org, form.user);
  }

  el.signinForm.addEventListener('submit', submitSignIn);
  el.signOut.addEventListener('click', () => session.signOut());
}
