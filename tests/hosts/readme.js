// The README's examples: every fenced block whose first line names a file under examples/
// (`// examples/tour.mjs`, `<!-- examples/index.html -->`, `# examples/ci.sh`). The host tests and
// the journeys (tests/journeys/) write them into a user's project and run them there, so the
// README shows exactly the code that was tested.
import { readFileSync } from 'node:fs';

const FENCE = /^```[a-z]*\n((?:\/\/|<!--|#) examples\/([\w./-]+)[^\n]*\n[\s\S]*?)^```$/gm;

/** @returns {Map<string, string>} file name -> the block's text */
export function readmeExamples(readmePath) {
  const text = readFileSync(readmePath, 'utf8');
  const out = new Map();
  for (const [, body, name] of text.matchAll(FENCE)) {
    if (out.has(name)) throw new Error(`README.md has two blocks for examples/${name}`);
    out.set(name, body);
  }
  return out;
}
