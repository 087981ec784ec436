// Writes the scope lists of the C core, the JS catalogue and the manifest schema from the one
// file a scope is written in (src/core/scopes.txt, which says its format). scripts/build.sh and a
// CMake configure run it; `--check` writes nothing and exits 1 naming each file that drifted.
//
// A file is compared by what it says (its scope names, words, links), not by its bytes, so a
// formatter may lay the written files out as it likes; one is rewritten only when it says
// something else.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SOURCE = 'src/core/scopes.txt';
const C_HEADER = 'src/core/scopes.h';
const JS_MODULE = 'bindings/scope-catalogue.js';
const SCHEMA = 'schema/tokens.schema.json';
const SCOPE = /^scope-[a-z_]+(-[a-z_]+)*$/;

/**
 * The catalogue in src/core/scopes.txt's text; a line it cannot read throws, naming the line.
 * @returns {{ repo: {group: string, scope: string, words: string}[], org: {scope: string, words: string}[],
 *   implies: Record<string, string[]>, old: [string, string][] }}
 */
export function parseCatalogue(text) {
  const cat = { repo: [], org: [], implies: {}, old: [] };
  const seen = new Set();
  const later = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const fail = (why) => {
      throw new Error(`${SOURCE}:${i + 1}: ${why}: ${raw.trim()}`);
    };
    const [kind, ...rest] = line.split(/\s+/);
    const scope = (s) => {
      if (!SCOPE.test(s ?? '')) fail(`"${s}" is not a scope (scope-WORD-WORD, lower case)`);
      return s;
    };
    const fresh = (s) => {
      if (seen.has(scope(s))) fail(`${s} is listed twice`);
      seen.add(s);
      return s;
    };
    if (kind === 'repo' && rest.length >= 3)
      cat.repo.push({ group: rest[0], scope: fresh(rest[1]), words: rest.slice(2).join(' ') });
    else if (kind === 'org' && rest.length >= 2)
      cat.org.push({ scope: fresh(rest[0]), words: rest.slice(1).join(' ') });
    else if (kind === 'implies' && rest.length >= 2)
      later.push(
        () => {
          cat.implies[scope(rest[0])] = rest.slice(1).map(scope);
        },
        () => rest.forEach(known),
      );
    else if (kind === 'old' && rest.length === 2)
      later.push(
        () => cat.old.push([rest[0], scope(rest[1])]),
        () => known(rest[1]),
      );
    else
      fail(
        'expected "repo GROUP SCOPE WORDS", "org SCOPE WORDS", "implies SCOPE SCOPE..." or "old NAME SCOPE"',
      );
    function known(s) {
      if (!seen.has(s)) fail(`${s} is not a scope listed by a repo or org line`);
    }
  });
  for (const step of later) step();
  return cat;
}

const bare = (scope) => scope.slice('scope-'.length);

/** What each written file says, from the catalogue: the form the checks compare. */
export function meaning(cat) {
  const groups = {};
  for (const { group, scope, words } of cat.repo) (groups[group] ??= []).push([scope, words]);
  const both = (list) => list.flatMap(({ scope }) => [scope, bare(scope)]).sort();
  return {
    [C_HEADER]: {
      DH_REPO_SCOPES: cat.repo.map(({ scope }) => [bare(scope)]),
      DH_ORG_SCOPES: cat.org.map(({ scope }) => [bare(scope)]),
      DH_OLD_SCOPE_NAMES: cat.old,
    },
    [JS_MODULE]: {
      REPO_GROUPS: groups,
      ORG: cat.org.map(({ scope, words }) => [scope, words]),
      IMPLIES: cat.implies,
      OLD_NAMES: Object.fromEntries(cat.old),
    },
    [SCHEMA]: { repositories: both(cat.repo), org: both(cat.org) },
  };
}

/** What the C header says: each X-macro list's arguments, as arrays of strings. */
export function readCHeader(text) {
  const out = {};
  for (const m of text.matchAll(/#define\s+(DH_\w+)\(X\)((?:[^\n]*\\\n)*[^\n]*)/g))
    out[m[1]] = [...m[2].matchAll(/X\(([^)]*)\)/g)].map((x) =>
      [...x[1].matchAll(/"([^"]*)"/g)].map((s) => s[1]),
    );
  return out;
}

/** The schema's two scope enums (a repository's scopes, `org`). */
function schemaEnums(schema) {
  const res = schema.$defs.resources.properties;
  return {
    repositories: res.repositories.additionalProperties.items.enum,
    org: res.org.items.enum,
  };
}

/** What the JS module says: its exports, read by importing it. */
async function readJsModule(path) {
  const mod = await import(`${new URL(path, `file://${ROOT}`).href}?${Date.now()}`);
  return JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(mod))));
}

/** The files' text as this script writes them. */
export function render(cat, schemaText) {
  const m = meaning(cat);
  const list = (name, items) =>
    `#define ${name}(X) \\\n${items.map((args) => `    X(${args.map((a) => `"${a}"`).join(', ')})`).join(' \\\n')}\n`;
  const c = m[C_HEADER];
  const header = `/* Written by scripts/scopes.mjs from src/core/scopes.txt: edit that file, not this one.
 * The scopes Docker Hub knows without their "scope-" prefix, in the documentation's order, and the
 * old names scripts still send, as X(old name, scope meant). */
#ifndef DH_SCOPES_H
#define DH_SCOPES_H

${list('DH_REPO_SCOPES', c.DH_REPO_SCOPES)}
${list('DH_ORG_SCOPES', c.DH_ORG_SCOPES)}
${list('DH_OLD_SCOPE_NAMES', c.DH_OLD_SCOPE_NAMES)}
#endif
`;
  const js = m[JS_MODULE];
  const lit = (v) =>
    Array.isArray(v) ? `[${v.map(lit).join(', ')}]` : `'${v.replace(/[\\']/g, '\\$&')}'`;
  const key = (k) => (/^[A-Za-z_]\w*$/.test(k) ? k : lit(k));
  const entries = (o, indent = '  ') =>
    Object.entries(o)
      .map(([k, v]) => `${indent}${key(k)}: ${lit(v)},`)
      .join('\n');
  const pairs = (list, indent) => list.map((p) => `${indent}${lit(p)},`).join('\n');
  const module = `// Written by scripts/scopes.mjs from src/core/scopes.txt: edit that file, not this one.
// The data of the scope catalogue; bindings/scopes.js builds SCOPES and the rest from it.

/** Repository scopes by group (SCOPES.TYPE_REPO's keys), each [scope, words for a person]. */
export const REPO_GROUPS = {
${Object.entries(js.REPO_GROUPS)
  .map(([g, list]) => `  ${key(g)}: [\n${pairs(list, '    ')}\n  ],`)
  .join('\n')}
};

/** Organization scopes, each [scope, words for a person]. */
export const ORG = [
${pairs(js.ORG, '  ')}
];

/** What a scope brings with it, where Docker's documentation says so. */
export const IMPLIES = {
${entries(js.IMPLIES)}
};

/** Names old documentation taught and scripts still send, to the scope meant. */
export const OLD_NAMES = {
${entries(js.OLD_NAMES)}
};
`;
  const schema = JSON.parse(schemaText);
  const res = schema.$defs.resources.properties;
  res.repositories.additionalProperties.items.enum = m[SCHEMA].repositories;
  res.org.items.enum = m[SCHEMA].org;
  return {
    [C_HEADER]: header,
    [JS_MODULE]: module,
    [SCHEMA]: `${JSON.stringify(schema, null, 2)}\n`,
  };
}

const read = (path) => readFileSync(new URL(path, `file://${ROOT}`), 'utf8');

/** Each written file whose meaning differs from the source's, with the first difference in words. */
export async function drift() {
  const want = meaning(parseCatalogue(read(SOURCE)));
  // A file missing or unreadable says nothing: each of its lists differs.
  const said = async (readIt) => {
    try {
      return await readIt();
    } catch {
      return {};
    }
  };
  const have = {
    [C_HEADER]: await said(() => readCHeader(read(C_HEADER))),
    [JS_MODULE]: await said(() => readJsModule(JS_MODULE)),
    [SCHEMA]: await said(() => schemaEnums(JSON.parse(read(SCHEMA)))),
  };
  const found = [];
  for (const [path, wanted] of Object.entries(want)) {
    for (const [key, value] of Object.entries(wanted)) {
      const got = JSON.stringify(have[path][key]);
      if (got !== JSON.stringify(value))
        found.push({ path, key, want: JSON.stringify(value), got: got ?? 'nothing' });
    }
  }
  return found;
}

async function main(args) {
  if (args.includes('--check')) {
    const found = await drift();
    for (const d of found)
      console.error(`${d.path}: ${d.key} differs from ${SOURCE}; run node scripts/scopes.mjs`);
    process.exitCode = found.length ? 1 : 0;
    return;
  }
  const stale = new Set((await drift()).map((d) => d.path));
  const text = render(parseCatalogue(read(SOURCE)), read(SCHEMA));
  for (const path of stale) {
    const file = fileURLToPath(new URL(path, `file://${ROOT}`));
    writeFileSync(`${file}.tmp`, text[path]);
    renameSync(`${file}.tmp`, file); // whole or not at all: two builds may run this at once
    console.log(`scripts/scopes.mjs: wrote ${path} from ${SOURCE}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  await main(process.argv.slice(2));
