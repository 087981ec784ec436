// Strings into the WASM heap for one C call, zeroed on the way out.
import { DockerHubError } from './errors.js';

const ENCODER = new TextEncoder();

/** Copies JS strings into the heap for one call, and zeroes and frees them after (any of them
 * may be a secret: a password, a JWT, a token). */
export class HeapStrings {
  constructor(Module) {
    this.Module = Module;
    this.blocks = [];
  }

  /** Measured once: a UTF-16 unit takes at most 3 bytes of UTF-8, so 3 * length + 1 holds it.
   * @param {string|null|undefined} s */
  put(s) {
    if (s == null) return 0;
    const n = s.length * 3 + 1;
    const p = this.Module._malloc(n);
    if (!p) throw new DockerHubError('invalid_response', 'out of memory');
    this.blocks.push([p, n]);
    const heap = this.Module.HEAPU8; // read after malloc: a memory growth replaces it
    heap[p + ENCODER.encodeInto(s, heap.subarray(p, p + n - 1)).written] = 0;
    return p;
  }

  free() {
    for (const [p, n] of this.blocks) {
      this.Module.HEAPU8.fill(0, p, p + n); // HEAPU8 read now: a memory growth replaces it
      this.Module._free(p);
    }
    this.blocks = [];
  }
}

