// The created token's value, shown once: moved off the answer into one read-only field, copied on
// request, and removed from the page as soon as its dialog is done (Done, Escape, close or sign-out).

import { openDialog } from './dom.js';
import { el, rowButton } from './elements.js';

/** Done, Escape or sign-out: the value leaves the page at once (the close event comes later). */
function forgetSecret() {
  el.secretValue.value = '';
  el.secretStatus.textContent = '';
  document.getSelection()?.removeAllRanges();
}

/** Copies a field's value: the Clipboard API, else a selected field and execCommand, else a hint. */
async function copyValue(input, statusEl) {
  if (!input.value) return;
  try {
    await navigator.clipboard.writeText(input.value);
    statusEl.textContent = 'Copied to the clipboard.';
  } catch {
    input.focus();
    input.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      // no execCommand here: the hint below
    }
    statusEl.textContent = copied
      ? 'Copied to the clipboard.'
      : 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.';
  }
}

/** Makes `button` copy the secret in `input`, saying how in `statusEl` (here and in the rotation). */
export function copyField(input, button, statusEl) {
  button.addEventListener('click', () => copyValue(input, statusEl));
}

/**
 * The created token's dialog, made once by app.js.
 * @param {{ org: () => string | undefined }} deps the session's organization
 */
export function createSecretDialog({ org }) {
  el.secretDialog.addEventListener('cancel', forgetSecret);
  el.secretDialog.addEventListener('close', forgetSecret);
  el.secretDone.addEventListener('click', () => {
    forgetSecret();
    el.secretDialog.close();
  });
  copyField(el.secretValue, el.secretCopy, el.secretStatus);

  return {
    /** Moves the created token's value into the read-only field and off the object. */
    show(created) {
      el.secretValue.value = created.token;
      delete created.token;
      el.secretOrg.textContent = org();
      el.secretStatus.textContent = '';
      const id = created.id;
      openDialog(el.secretDialog, { returnTo: () => rowButton(id) ?? el.newToken });
    },
    forget: forgetSecret,
  };
}
