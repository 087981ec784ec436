// The rule a token's label keeps, where a label is written (the CLI's create and update; the
// manifest's C parser, src/tools/manifest.c, applies the same one): not empty or only spaces, no space
// at either end, no control, line-break, bidi or other invisible character (bindings/text.js's INVISIBLE: a label is
// printed in tables and plans), at most MAX_LABEL_CHARS characters, and no "~retired~". Docker Hub
// documents no limit on a label's length; 100 is ours. The C parser checks in the same order with
// the same words: tests/cli/label-rule.test.js holds the two to one rule. Host-agnostic.

import { INVISIBLE } from './text.js';

export const MAX_LABEL_CHARS = 100;
/** What a rotation writes into the label of the token it retired (bindings/retired.js): a label
 * written by hand that held it would read as a retired token's, to be deleted by a later prune. */
const RETIRED_MARK = '~retired~';

/** What is wrong with a label, in words, or null when it keeps the rule. */
export function labelProblem(label) {
  if (typeof label !== 'string' || label.replace(/[ \t]/g, '') === '')
    return 'may not be empty or only white space';
  if (INVISIBLE.test(label))
    return 'may not hold control, line-break, bidi or other invisible characters';
  if (label.startsWith(' ') || label.endsWith(' ')) return 'may not start or end with a space';
  const chars = [...label].length;
  if (chars > MAX_LABEL_CHARS) return `may be at most ${MAX_LABEL_CHARS} characters, not ${chars}`;
  if (label.includes(RETIRED_MARK))
    return `may not hold ${RETIRED_MARK}, which marks a token a rotation retired`;
  return null;
}
