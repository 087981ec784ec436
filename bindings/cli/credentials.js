// Who the CLI signs in as, and where: flags first, then the environment, then a hidden prompt.
// A secret is never taken from the command line unless the user says they know it leaks there.

import { UsageError } from './args.js';
import { promptHidden, readStdin } from './terminal.js';

function checkSecretFlags(values) {
  if (values.secret !== undefined && !values['i-know-this-leaks-to-shell-history'])
    throw new UsageError(
      'refusing --secret: a secret on the command line lands in your shell history and the ' +
        'process list. Use DOCKERHUB_SECRET or --secret-stdin (or add --i-know-this-leaks-to-shell-history)',
    );
  if (values.secret !== undefined && values['secret-stdin'])
    throw new UsageError('give --secret or --secret-stdin, not both');
}

/** A JWT in DOCKERHUB_TOKEN wins over DOCKERHUB_IDENTIFIER unless a secret is given another way. */
function identifierFrom(values, env) {
  const secretGiven = values['secret-stdin'] || values.secret !== undefined;
  return (
    values.identifier ??
    (env.DOCKERHUB_TOKEN && !secretGiven ? undefined : env.DOCKERHUB_IDENTIFIER)
  );
}

async function secretFor(identifier, values, io) {
  let secret;
  if (values['secret-stdin']) secret = await readStdin(io.stdin);
  else if (values.secret !== undefined) secret = values.secret;
  else if (io.env.DOCKERHUB_SECRET) secret = io.env.DOCKERHUB_SECRET;
  else if (io.stdin.isTTY) secret = await promptHidden(io, `Secret for ${identifier}: `);
  else
    throw new UsageError(`no secret for ${identifier}: set DOCKERHUB_SECRET or use --secret-stdin`);
  if (!secret) throw new UsageError('the secret is empty');
  return secret;
}

/**
 * Which credential the CLI signs in with, in words, for an auth failure to say: a stale
 * DOCKERHUB_TOKEN wins over DOCKERHUB_IDENTIFIER, and the user should see that it did.
 * Call after clientOptions succeeded (the same rules); it names sources, never a secret.
 */
export function credentialWords(values, io) {
  const env = io.env;
  const identifier = identifierFrom(values, env);
  if (identifier === undefined) {
    return (
      'signed in with the JWT in DOCKERHUB_TOKEN from the environment' +
      (env.DOCKERHUB_IDENTIFIER
        ? ' (it wins over DOCKERHUB_IDENTIFIER; unset it to sign in as that user)'
        : '')
    );
  }
  const who = values.identifier !== undefined ? '--identifier' : 'DOCKERHUB_IDENTIFIER';
  const secret = values['secret-stdin']
    ? 'the secret read from stdin'
    : values.secret !== undefined
      ? 'the secret given by --secret'
      : env.DOCKERHUB_SECRET
        ? 'the secret in DOCKERHUB_SECRET from the environment'
        : 'the secret typed at the prompt';
  return `signed in as ${JSON.stringify(identifier)} (${who}) with ${secret}`;
}

/** The options of createClient. */
export async function clientOptions(values, io) {
  const env = io.env;
  const options = {
    baseUrl: values['base-url'] ?? env.DOCKERHUB_BASE_URL ?? 'https://hub.docker.com',
  };
  checkSecretFlags(values);
  const identifier = identifierFrom(values, env);
  if (identifier === undefined) {
    if (values['secret-stdin'] || values.secret !== undefined)
      throw new UsageError('a secret needs an identifier: --identifier or DOCKERHUB_IDENTIFIER');
    if (env.DOCKERHUB_TOKEN) return { ...options, token: env.DOCKERHUB_TOKEN };
    throw new UsageError(
      'no credentials: set DOCKERHUB_IDENTIFIER and DOCKERHUB_SECRET, or DOCKERHUB_TOKEN, ' +
        'or give --identifier (the secret is then read from DOCKERHUB_SECRET, --secret-stdin or a prompt)',
    );
  }
  if (identifier === '') throw new UsageError('the identifier is empty');
  return {
    ...options,
    credentials: { identifier, secret: await secretFor(identifier, values, io) },
  };
}
