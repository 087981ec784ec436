// What the CLI reads from its stdin: a piped secret, a secret typed at a hidden prompt, and a
// yes or no before a change that cannot be undone.

import { createInterface } from 'node:readline';
import { UsageError } from './args.js';

export async function readStdin(stdin) {
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** Reads a line from a terminal without echoing it. */
export function promptHidden(io, question) {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    stderr.write(question);
    let value = '';
    const done = (err) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UsageError('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

function askLine(io, question) {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
  });
}

/**
 * --yes, or a "y" typed on a terminal; without either, a refusal (UsageError) when stdin is not
 * a terminal to ask. @param {() => Promise<string> | string} question asked only on a terminal
 * @returns {Promise<boolean>}
 */
export async function confirmed(io, values, verb, question) {
  if (values.yes) return true;
  if (!io.stdin.isTTY)
    throw new UsageError(`refusing to ${verb} without --yes: stdin is not a terminal to ask`);
  const answer = await askLine(io, await question());
  return /^y(es)?$/i.test(answer.trim());
}
