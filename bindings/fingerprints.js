// The secrets a client handed out (the tokens it created), remembered for its life as keyed
// fingerprints only, so that a later call's error that echoes one (a hostile or careless server)
// is scrubbed of it like the client's own password or JWT. Host-agnostic.
//
// What is kept: for each created secret, a 53-bit fingerprint of every run of 8 of its characters
// (the public dckr_oat_/dckr_pat_ prefix alone excepted, as errors.js scrubs), keyed by 128 random
// bits drawn per client. Never the secret, nor a run of it: a heap or a debugger shows numbers that
// say nothing without the key, and the key differs for every client. Not a cryptographic MAC (a
// fast mix, two MurmurHash3-style lanes): what it has to resist is reading, not forging.
// Bounded: the newest MAX_SECRETS secrets (a long-lived client that creates tokens all day keeps
// memory flat; an error echoing a secret that old is not scrubbed). close() zeroes the key and
// forgets every fingerprint.

export const RUN = 8;
export const MAX_SECRETS = 1000;

function lane(text, seed) {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 128 random bits: the host's crypto where it has one (every host the package supports does); a
 * bare JS context without it (a vm sandbox) gets Math.random's, still different for each client. */
function randomKey() {
  const key = new Uint32Array(4);
  if (typeof globalThis.crypto?.getRandomValues === 'function') return globalThis.crypto.getRandomValues(key);
  for (let i = 0; i < key.length; i++) key[i] = Math.floor(Math.random() * 2 ** 32);
  return key;
}

export class Fingerprints {
  #key = null; // drawn at the first secret: a client that creates nothing draws none
  #count = new Map(); // fingerprint -> how many remembered secrets have it
  #order = []; // per secret, its fingerprints, oldest first

  #print(run) {
    const k = (this.#key ??= randomKey());
    return (lane(run, k[0] ^ k[2]) & 0x1fffff) * 2 ** 32 + lane(run, k[1] ^ k[3]);
  }

  /** Remembers a secret handed out. */
  add(secret) {
    if (typeof secret !== 'string' || secret.length < RUN) return;
    const pub = /^dckr_(pat|oat)_/.test(secret) ? 9 : 0;
    const prints = [];
    for (let k = Math.max(0, pub - RUN + 1); k + RUN <= secret.length; k++) prints.push(this.#print(secret.slice(k, k + RUN)));
    for (const p of prints) this.#count.set(p, (this.#count.get(p) ?? 0) + 1);
    this.#order.push(prints);
    while (this.#order.length > MAX_SECRETS) this.#forget(this.#order.shift());
  }

  #forget(prints) {
    for (const p of prints) {
      const n = this.#count.get(p) - 1;
      if (n > 0) this.#count.set(p, n);
      else this.#count.delete(p);
    }
    prints.fill(0);
  }

  /** Is `run` (8 characters) a run of a remembered secret? */
  has(run) {
    return this.#count.size > 0 && run.length === RUN && this.#count.has(this.#print(run));
  }

  get size() {
    return this.#order.length;
  }

  /** Zeroes the key and forgets everything. */
  clear() {
    for (const prints of this.#order) prints.fill(0);
    this.#order = [];
    this.#count.clear();
    this.#key?.fill(0);
    this.#key = null;
  }
}
