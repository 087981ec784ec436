// SIGINT and SIGTERM while a command changes the org (apply, prune, rotate): the first signal asks
// the command to stop at its next safe point (the step in flight finishes; nothing is cut off
// half-sent), after which it says what was done and what was not and the CLI exits 130. A second
// signal stops at once and says what that abandons. A command marked readOnly stops at once.

import { PROG } from './output.js';

export const EXIT_INTERRUPTED = 130;

/**
 * Listens for the signals on `proc` (process, or nothing in tests that call main()).
 * @returns {{ signal: AbortSignal, abandoning(words: () => string): void, dispose(): void }}
 */
export function listenForInterrupts(proc, io, { graceful }) {
  const controller = new AbortController();
  let abandons = () => 'the step in flight; run plan (or list) to see where it stopped';
  const handler = (name) => {
    if (!graceful) {
      io.stderr.write(`\n${PROG}: ${name}: stopped (this command changes nothing).\n`);
      proc.exit(EXIT_INTERRUPTED);
    }
    if (!controller.signal.aborted) {
      io.stderr.write(
        `\n${PROG}: ${name}: stopping after the step in flight (a second signal stops at once).\n`,
      );
      controller.abort();
      return;
    }
    io.stderr.write(
      `${PROG}: ${name}, a second signal: stopping at once; abandoned: ${abandons()}.\n`,
    );
    proc.exit(EXIT_INTERRUPTED);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  proc?.on('SIGINT', onInt);
  proc?.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    abandoning(words) {
      abandons = words;
    },
    dispose() {
      proc?.off('SIGINT', onInt);
      proc?.off('SIGTERM', onTerm);
    },
  };
}
