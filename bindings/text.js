// Text from a file or a server, made safe to show: the one escaping the CLI, the plan's words and
// the audit's markdown use. Host-agnostic.
//
// Escaped: every C0 control (\n and \t too: inside one printed field a line break would forge a
// line of its own), DEL, the C1 controls (U+009B is a CSI), U+2028/2029 (line breaks to some
// terminals and editors) and the bidi controls U+202A-202E, U+2066-2069 (and the marks U+061C,
// U+200E, U+200F), which reorder what a reviewer reads. A character below U+0100 becomes \xNN,
// any other \uNNNN, so the text stays readable and nothing of it acts on the terminal.

export const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// In JSON, U+0000-U+001F are escaped by JSON.stringify already; the rest is escaped here.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c, width) => c.charCodeAt(0).toString(16).padStart(width, '0');

/** One field of text for a terminal: no character of it moves the cursor, breaks the line or
 * reorders what follows. */
export const printable = (v) => String(v).replace(UNSAFE, (c) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));

/** A string as a JSON literal ("...") with every unsafe character escaped as \uNNNN. */
export const quoted = (s) => JSON.stringify(String(s)).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);

/** A JSON document (two-space indent, newline at the end) a terminal may show: outside strings
 * JSON has none of the escaped characters, so the document reads the same. */
export const jsonDocument = (value) => `${JSON.stringify(value, null, 2)}\n`.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
