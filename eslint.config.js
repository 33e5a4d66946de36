// Lint: correctness rules, and the layering ARCHITECTURE.md describes, as import restrictions per folder.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Each runtime folder and what it must not import, with the reason a person reads in the error. */
const layers = [
  {
    files: ['src/client/components/**'],
    forbid: [
      {
        group: [
          '**/keys/**',
          '**/settings/**',
          '**/recents/**',
          '**/credits/persistence/**',
          '**/credits/coordinator*',
          '**/credits/tabs*',
        ],
        message: 'Components render and dispatch: storage and the coordinator are reached through client/state.',
      },
      {
        group: ['**/providers/*/adapter*', '**/providers/registry*', '**/providers/http*'],
        message: 'Components never talk to providers: use client/state.',
      },
      { group: ['**/engine/**'], message: 'Components never call the engine: use client/state.', allowTypeImports: true },
      { group: ['idb'], message: 'Components never touch IndexedDB.' },
    ],
  },
  {
    files: ['src/client/state/**'],
    forbid: [{ group: ['**/components/**'], message: 'State never imports views.' }],
  },
  {
    files: ['src/providers/**'],
    forbid: [
      {
        group: ['**/client/**', '**/credits/**', '**/keys/**', '**/settings/**', '**/engine/**', '**/sw/**'],
        message: 'Providers are the lowest layer: they know HTTP and their own facts, nothing above.',
      },
      { group: ['solid-js', 'solid-js/*', 'idb'], message: 'Providers are pure: no UI framework, no storage.' },
    ],
  },
  {
    files: ['src/credits/**'],
    forbid: [
      {
        group: ['**/client/**', '**/engine/**', '**/sw/**', 'solid-js', 'solid-js/*'],
        message: 'Credits never import the UI or the engine.',
      },
    ],
  },
  {
    files: ['src/credits/logic/**'],
    forbid: [
      {
        group: ['**/persistence/**', '**/coordinator*', '**/tabs*', '**/keys/**', '**/settings/**', 'idb'],
        message: 'credits/logic is pure: no storage, no locks.',
      },
      {
        group: ['**/providers/*/adapter*', '**/providers/http*', '**/providers/registry*'],
        message: 'credits/logic reads provider descriptions, never adapters.',
      },
    ],
  },
  {
    files: ['src/engine/worker/**'],
    forbid: [
      {
        group: [
          '**/client/**',
          '**/credits/**',
          '**/keys/**',
          '**/settings/**',
          '**/providers/**',
          '**/sw/**',
          'solid-js',
          'solid-js/*',
          'idb',
        ],
        message: 'The engine worker only decodes, runs the model and encodes.',
      },
    ],
  },
  {
    files: ['src/engine/client/**', 'src/engine/protocol.ts'],
    forbid: [
      {
        group: ['**/worker/**', '**/client/state/**', '**/client/components/**'],
        message: 'The engine bridge knows the protocol, not the worker code or the UI.',
      },
    ],
  },
  {
    files: ['src/sw/**'],
    forbid: [
      {
        group: ['**/client/**', '**/engine/**', '**/credits/**', '**/keys/**', '**/settings/**', 'solid-js', 'solid-js/*', 'idb'],
        message: 'The service worker stands on its own: shared/ only.',
      },
    ],
  },
  {
    files: ['src/shared/**'],
    forbid: [
      {
        group: [
          '**/client/**',
          '**/engine/**',
          '**/credits/**',
          '**/keys/**',
          '**/settings/**',
          '**/sw/**',
          'solid-js',
          'solid-js/*',
          'idb',
        ],
        message: 'shared/ is pure and runs anywhere.',
      },
      {
        group: ['**/providers/*/adapter*', '**/providers/http*', '**/providers/registry*'],
        message: 'shared/ may read provider descriptions (catalog), never adapters.',
      },
    ],
  },
  {
    files: ['src/keys/**', 'src/settings/**', 'src/recents/**'],
    forbid: [
      {
        group: ['**/client/**', '**/credits/**', '**/engine/**', 'solid-js', 'solid-js/*'],
        message: 'Storage modules never import the UI or the credits.',
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'bench/dist/**', 'bench/tmp/**', 'public/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        // One program per runtime, as the typecheck runs them: each file is read with its own lib.
        project: ['./tsconfig.json', './tsconfig.worker.json', './tsconfig.sw.json', './tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='console'][callee.property.name='log']",
          message: 'No console.log in the app: keys and images must never reach a log.',
        },
      ],
    },
  },
  ...layers.map(({ files, forbid }) => ({ files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: forbid }] } })),
  {
    files: ['src/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    // Solid assigns `ref={element}` variables itself; the rule cannot see that.
    files: ['src/**/*.tsx'],
    rules: { 'no-unassigned-vars': 'off' },
  },
  {
    files: ['scripts/**', 'test/**', 'bench/**', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-syntax': 'off' },
  },
);
