// scopes: every scope the catalogue (bindings/scopes.js) knows, with its words, by resource type.
// No sign-in and no request: it answers from the package itself.

import { noArgs } from '../args.js';
import { json, table } from '../output.js';
import { SCOPES, SCOPE_WORDS } from '../../scopes.js';

const shown = (s) => s.replace(/^scope-/, '');

/** { TYPE_REPO: [{ scope, words }], TYPE_ORG: [...] }, as --json gives it. */
function catalogue() {
  const entry = (scope) => ({ scope, words: SCOPE_WORDS[scope] });
  return {
    TYPE_REPO: Object.values(SCOPES.TYPE_REPO).flat().map(entry),
    TYPE_ORG: SCOPES.TYPE_ORG.map(entry),
  };
}

function text({ TYPE_REPO, TYPE_ORG }) {
  const rows = (list) => table(list.map(({ scope, words }) => [`  ${shown(scope)}`, words]));
  return (
    `Repository scopes (TYPE_REPO: --repo PATH=SCOPE[,SCOPE], "repositories" in tokens.json):\n${rows(TYPE_REPO)}\n` +
    `Organization scopes (TYPE_ORG: --org-scope SCOPE, "org" in tokens.json):\n${rows(TYPE_ORG)}\n` +
    `"${shown(SCOPES.PUBLIC_READ.scopes[0])}" on ${SCOPES.PUBLIC_READ.path} is public repositories, read only (--public-read).\n` +
    'Docker Hub\'s API names each scope with the "scope-" prefix (scope-image-pull); the CLI and tokens.json add it.\n'
  );
}

export default {
  name: 'scopes',
  args: '',
  options: {},
  offline: true,
  summary: 'list every scope a token can have, with what it allows',
  help: '  Needs no organization and no sign-in.',
  run({ rest, values, io }) {
    noArgs(rest, 'scopes');
    io.stdout.write(values.json ? json(catalogue()) : text(catalogue()));
  },
};
