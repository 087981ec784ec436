// ESLint over our JavaScript (scripts/lint.sh runs it; so do `npm run lint` and `npm test`).
// Beyond eslint's recommended set: promises nobody awaits or catches (a rejection there is an
// unhandled rejection: a crash in Node, a silent stall in a page), and code nobody uses. The
// promise rules read types, from our JSDoc, through tsconfig.eslint.json.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// node:test's test() and describe() return promises the runner itself awaits.
const testRunner = {
  from: 'package',
  package: 'node:test',
  name: ['test', 'describe', 'it', 'suite', 'before', 'after'],
};

export default [
  { ignores: ['build/', 'dist/', 'node_modules/', 'tests/artifacts/', 'test-results/', '**/*.ts'] },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: globals.node,
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [testRunner] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A name starting with `_` says "unused on purpose" (a parameter a signature needs); a
      // property left out of a copy by destructuring (`{ secret, ...rest }`) is used.
      'no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-unused-expressions': 'error',
      'no-unreachable-loop': 'error',
      'no-useless-return': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      // Off: an error caught here is often replaced, on purpose, by one in our words that leaves the
      // original out (it may carry a path, a child's output or a secret; errors reach terminals).
      'preserve-caught-error': 'off',
    },
  },
  // The core modules run on every host: only what Node, browsers, Deno, Bun and workerd share.
  {
    files: ['bindings/**/*.js'],
    ignores: [
      'bindings/cli.js',
      'bindings/cli/**',
      'bindings/index.node.js',
    ],
    languageOptions: { globals: globals['shared-node-browser'] },
  },
  { files: ['bindings/index.web.js'], languageOptions: { globals: globals.browser } },
  { files: ['bindings/index.workerd.js'], languageOptions: { globals: globals.serviceworker } },
  // Emscripten's own scope: pre.js runs inside the glue, library_dh.js is its JS library.
  {
    files: ['src/wasm/pre.js', 'src/wasm/library_dh.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        Module: 'readonly',
        HEAPU8: 'readonly',
        UTF8ToString: 'readonly',
        UTF8Decoder: 'readonly',
        mergeInto: 'readonly',
        LibraryManager: 'readonly',
      },
    },
    // pre.js's top-level `var XMLHttpRequest` shadows the host's for the glue that follows it.
    rules: {
      'no-unused-vars': ['error', { vars: 'local' }],
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  { files: ['web/dashboard/**/*.js'], languageOptions: { globals: globals.browser } },
  // Browser tests run in Node and hand functions to the page (page.evaluate), which run there.
  {
    files: ['tests/browser/**/*.js', 'tests/hosts/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  // Tests feed control characters on purpose (terminal text must come out escaped), and match
  // the CLI's columns with the spaces it prints.
  { files: ['tests/**/*.js'], rules: { 'no-control-regex': 'off', 'no-regex-spaces': 'off' } },
];
