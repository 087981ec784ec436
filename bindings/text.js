// Text from a file or a server, made safe to show: the one escaping the CLI, the plan's words and
// the audit's markdown use. Host-agnostic.
//
// INVISIBLE is the one class of characters a reviewer cannot see for what they are; src/tools/manifest.c
// refuses the same class in labels, repository paths, exec and out (its table is checked against
// this one, code point by code point, in tests/security/invisible-characters-escaped-and-refused.test.js):
// - controls (Cc): every C0 one (\n and \t too: inside one printed field a line break would forge
//   a line of its own), DEL, the C1 ones (U+009B is a CSI);
// - format characters (Cf): the bidi controls and marks that reorder what a reviewer reads, zero
//   width space/joiners, U+FEFF, U+2060, U+180E, soft hyphen, the tag characters U+E0000-E007F;
// - U+2028/2029 (Zl, Zp: line breaks to some terminals and editors);
// - every default-ignorable code point (rendered as nothing): U+034F, the Hangul fillers U+115F,
//   U+1160, U+3164, U+FFA0, and the variation selectors (chosen: escaped too, since "ci-pull" with
//   one reads as "ci-pull");
// - lone surrogates (what a broken UTF-16 string shows as).
// A character below U+0100 becomes \xNN, one in the BMP \uNNNN, any other \u{NNNNN}, so the text
// stays readable and nothing of it acts on the terminal or hides.

const CLASS = '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Default_Ignorable_Code_Point}';
export const INVISIBLE = new RegExp(`[${CLASS}]`, 'u');
export const UNSAFE = new RegExp(`[${CLASS}]`, 'gu');
// In JSON, U+0000-U+001F (and lone surrogates) are escaped by JSON.stringify already; the rest is
// escaped here.
const UNSAFE_IN_JSON = new RegExp(`(?![\\u0000-\\u001f])[${CLASS}]`, 'gu');

const escaped = (c) => {
  const cp = c.codePointAt(0);
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
};
// JSON has no \x or \u{} escape: a pair of \uNNNN for an astral character.
const jsonEscaped = (c) =>
  Array.from(
    { length: c.length },
    (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`,
  ).join('');

/** One field of text for a terminal: no character of it moves the cursor, breaks the line,
 * reorders what follows or hides. */
export const printable = (v) => String(v).replace(UNSAFE, escaped);

/** A string as a JSON literal ("...") with every unsafe character escaped as \uNNNN. */
export const quoted = (s) => JSON.stringify(String(s)).replace(UNSAFE_IN_JSON, jsonEscaped);

/** A JSON document (two-space indent, newline at the end) a terminal may show: outside strings
 * JSON has none of the escaped characters, so the document reads the same. */
export const jsonDocument = (value) =>
  `${JSON.stringify(value, null, 2)}\n`.replace(UNSAFE_IN_JSON, jsonEscaped);
