// The session's life: entering the tokens view, running a call for the session (its failures shown,
// a 401 signing out), the rate-limit line, and signing out (the client and every shown thing forgotten).

import { h, showAlert, clearAlert, showRateLimit } from './dom.js';
import { errorMessage } from './format.js';
import { el } from './elements.js';
import { app, view } from './state.js';
import { createResourceEditor } from './token-form.js';
import { forgetSecret } from './secret.js';

/**
 * Runs one client call for the current session. A failure is shown in `alertEl`; a 401 signs out
 * with the reason; a 429 counts down. Answers for a session that has ended meanwhile are dropped.
 * @returns {Promise<{ ok: true, value: any } | { ok: false }>}
 */
export async function call(alertEl, fn) {
  const s = app.session;
  if (!s) return { ok: false };
  try {
    const value = await fn(s.hub, s.org);
    if (s !== app.session) return { ok: false };
    showRateInfo();
    return { ok: true, value };
  } catch (err) {
    if (s === app.session) handleError(err, alertEl);
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
export function showRateInfo() {
  const rl = app.session?.hub.rateLimit;
  if (!rl || rl.limit == null || rl.remaining == null || rl.remaining > rl.limit * 0.2) {
    el.rateInfo.hidden = true;
    return;
  }
  const reset = rl.reset ? ` until ${new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(rl.reset * 1000)}` : '';
  el.rateInfo.textContent = `${rl.remaining} of ${rl.limit} Docker Hub requests left${reset}.`;
  el.rateInfo.hidden = false;
}

/** Swaps the sign-in form for the tokens view of the new session. */
export function enterTokensView() {
  const { org, user } = app.session;
  app.audit.reset();
  app.code.reset();
  app.editor = createResourceEditor(el.resourceEditor, org);
  el.sessionInfo.replaceChildren(
    h('span', { class: 'muted', text: 'Signed in as ' }), user,
    h('span', { class: 'muted', text: ' · ' }), org);
  el.orgName.textContent = org;
  el.signinView.hidden = true;
  el.tokensView.hidden = false;
  el.session.hidden = false;
  clearAlert(el.mainAlert);
  el.mainStatus.textContent = '';
}

/** Forgets the client (and with it the JWT) and everything shown; back to the sign-in form. */
export function signOut(reason) {
  const s = app.session;
  app.session = null;
  view.listSeq++;
  view.current = null;
  view.editing = null;
  forgetSecret();
  app.rotate.close();
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  s?.hub.close();
  view.shown = null;
  app.audit.reset();
  app.code.reset();
  app.editor = null;
  clearShown();
  el.tokensView.hidden = true;
  el.session.hidden = true;
  el.signinView.hidden = false;
  el.secret.value = '';
  if (reason) showAlert(el.signinAlert, reason, { title: 'You were signed out.' });
  (el.org.value && el.user.value ? el.secret : el.org).focus();
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
  for (const a of [el.mainAlert, el.tokenAlert, el.detailsAlert, el.deleteAlert, el.signinAlert]) clearAlert(a);
}
