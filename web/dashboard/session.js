// The session's life: entering the tokens view, running a call for the session (its failures shown,
// a 401 signing out), the rate-limit line, and signing out (the client and every shown thing forgotten).

import { h, showAlert, clearAlert, showRateLimit } from './dom.js';
import { errorMessage } from './format.js';
import { el } from './elements.js';

/**
 * The session, made once by app.js. `onEnter(org)` readies the parts for a new session's
 * organization; `onLeave()` makes them forget the old one (its dialogs, its secrets, its answers).
 * @param {{ onEnter: (org: string) => void, onLeave: () => void }} hooks
 */
export function createSession({ onEnter, onLeave }) {
  /** The signed-in session { hub, org, user } (the client holds the JWT), null when signed out. */
  let current = null;

  /**
   * Runs one client call for the current session. A failure is shown in `alertEl`; a 401 signs out
   * with the reason; a 429 counts down. Answers for a session that has ended meanwhile are dropped.
   * @returns {Promise<{ ok: true, value: any } | { ok: false }>}
   */
  async function call(alertEl, fn) {
    const s = current;
    if (!s) return { ok: false };
    try {
      const value = await fn(s.hub, s.org);
      if (s !== current) return { ok: false };
      showRateInfo();
      return { ok: true, value };
    } catch (err) {
      if (s === current) handleError(err, alertEl);
      return { ok: false };
    }
  }

  function handleError(err, alertEl) {
    showRateInfo();
    if (err?.code === 'unauthorized') {
      signOut(`Docker Hub no longer accepts this session (${errorMessage(err)}). Sign in again.`);
      return;
    }
    if (err?.code === 'rate_limited') {
      showRateLimit(alertEl, err.retryAfter);
      return;
    }
    showAlert(alertEl, errorMessage(err));
  }

  /** Shows how many requests are left once fewer than a fifth of the rate limit remain. */
  function showRateInfo() {
    const rl = current?.hub.rateLimit;
    if (!rl || rl.limit == null || rl.remaining == null || rl.remaining > rl.limit * 0.2) {
      el.rateInfo.hidden = true;
      return;
    }
    const reset = rl.reset
      ? ` until ${new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(rl.reset * 1000)}`
      : '';
    el.rateInfo.textContent = `${rl.remaining} of ${rl.limit} Docker Hub requests left${reset}.`;
    el.rateInfo.hidden = false;
  }

  /** Swaps the sign-in form for the tokens view of the session begun. */
  function enterTokensView() {
    const { org, user } = current;
    onEnter(org);
    el.sessionInfo.replaceChildren(
      h('span', { class: 'muted', text: 'Signed in as ' }),
      user,
      h('span', { class: 'muted', text: ' · ' }),
      org,
    );
    el.orgName.textContent = org;
    el.signinView.hidden = true;
    el.tokensView.hidden = false;
    el.session.hidden = false;
    clearAlert(el.mainAlert);
    el.mainStatus.textContent = '';
  }

  /** Forgets the client (and with it the JWT) and everything shown; back to the sign-in form. */
  function signOut(reason) {
    const s = current;
    current = null;
    onLeave();
    for (const d of document.querySelectorAll('dialog[open]')) d.close();
    s?.hub.close();
    clearShown();
    el.tokensView.hidden = true;
    el.session.hidden = true;
    el.signinView.hidden = false;
    el.secret.value = '';
    if (reason) showAlert(el.signinAlert, reason, { title: 'You were signed out.' });
    (el.org.value && el.user.value ? el.secret : el.org).focus();
  }

  return {
    call,
    showRateInfo,
    enterTokensView,
    signOut,
    /** The organization signed in to, or undefined. */
    get org() {
      return current?.org;
    },
    /** Makes `s` ({ hub, org, user }) the session; its first call is still to prove it. */
    begin(s) {
      current = s;
    },
    /** Whether `s` is still the session (no sign-out or other sign-in since). */
    isCurrent: (s) => current === s,
    /** Drops `s` if it is still the session, without the sign-out's clean-up (nothing was shown). */
    abandon(s) {
      if (current === s) current = null;
    },
  };
}

/** Empties everything the session showed. */
function clearShown() {
  el.resourceEditor.replaceChildren();
  el.rows.replaceChildren();
  el.detailsBody.replaceChildren();
  el.detailsTitle.textContent = '';
  el.orgName.textContent = '';
  el.sessionInfo.replaceChildren();
  el.rateInfo.hidden = true;
  for (const a of [el.mainAlert, el.tokenAlert, el.detailsAlert, el.deleteAlert, el.signinAlert])
    clearAlert(a);
}
