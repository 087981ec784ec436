// The JS-side checks of every argument, made before anything reaches the C core: a value the
// core would refuse anyway is refused here in the JS user's words, and nothing is sent.
import { DockerHubError, invalidArgument } from './errors.js';

const OPTION_KEYS = new Set([
  'baseUrl',
  'token',
  'credentials',
  'timeoutMs',
  'maxRetries',
  'maxResponseBytes',
  'wasm',
]);
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const MAX_RESPONSE_BYTES = 2 ** 32 - 1; // a size_t on wasm32
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** createClient's options, checked, with the defaults filled in. */
export function checkClientOptions(options) {
  if (options === null || typeof options !== 'object')
    throw invalidArgument('options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw invalidArgument(`createClient: unknown option "${key}"`);
  }
  const {
    baseUrl = 'https://hub.docker.com',
    token,
    credentials,
    timeoutMs = 30000,
    maxRetries = 3,
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  } = options;
  if (typeof baseUrl !== 'string') throw invalidArgument('baseUrl must be a string');
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'function')
    throw invalidArgument('token must be a string or a function returning one');
  if (token !== undefined && credentials !== undefined)
    throw invalidArgument('give token or credentials, not both');
  if (credentials !== undefined) {
    if (!credentials || typeof credentials !== 'object')
      throw invalidArgument('credentials must be { identifier, secret }');
    const { identifier, secret } = credentials;
    if (typeof identifier !== 'string' || !identifier || typeof secret !== 'string' || !secret)
      throw invalidArgument('credentials need a non-empty identifier and secret');
    if (identifier.includes('\0') || secret.includes('\0'))
      throw invalidArgument('credentials may not contain a NUL character');
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
    throw invalidArgument('timeoutMs must be a whole number of milliseconds, at least 1');
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10)
    throw invalidArgument('maxRetries must be a whole number from 0 to 10');
  if (
    !Number.isSafeInteger(maxResponseBytes) ||
    maxResponseBytes < 1 ||
    maxResponseBytes > MAX_RESPONSE_BYTES
  )
    throw invalidArgument(
      `maxResponseBytes must be a whole number of bytes from 1 to ${MAX_RESPONSE_BYTES}`,
    );
  if (baseUrl.includes('\0')) throw invalidArgument('baseUrl may not contain a NUL character');
  try {
    new URL(baseUrl); // what the host's fetch() would refuse
  } catch {
    throw invalidArgument(`baseUrl is not a URL this host can parse: ${JSON.stringify(baseUrl)}`);
  }

  return { baseUrl, token, credentials, timeoutMs, maxRetries, maxResponseBytes };
}

export function checkName(value, what) {
  if (typeof value !== 'string') throw invalidArgument(`${what} must be a string`);
  // A NUL would end the C string early: "acme\0/x" must not become "acme".
  if (value.includes('\0')) throw invalidArgument(`${what} may not contain a NUL character`);
}

export function checkSignal(signal) {
  if (signal === undefined) return;
  if (
    !signal ||
    typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function'
  )
    throw invalidArgument('signal must be an AbortSignal');
  if (signal.aborted) throw new DockerHubError('aborted', 'the call was aborted before it started');
}

export function checkOptions(options, allowed, what) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw invalidArgument(`${what} must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw invalidArgument(`${what} has an unknown key "${key}"`);
  }
  return options;
}

export function checkBody(body, what) {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalidArgument(`${what} must be an object`);
  let json;
  try {
    json = JSON.stringify(body);
  } catch {
    throw invalidArgument(`${what} cannot be sent as JSON`);
  }
  if (json.includes('\\u0000')) throw invalidArgument(`${what} may not contain a NUL character`);
  return json;
}
