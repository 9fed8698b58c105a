// Lint configuration: typescript-eslint's type-aware recommended rules, zero warnings allowed in CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // node:test's describe/it return promises the runner itself awaits.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    // A sandboxed Electron preload is CommonJS; `import x = require()` is how a .cts file imports under verbatimModuleSyntax.
    files: ['electron/**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    // DESIGN.md: the renderer reaches the engine only through its client; it may share types.
    // Its build config runs in Node, not in the page: it takes the page's CSP from electron/.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/engine/**', '**/supernode/**', '**/native/**', '**/electron/**'], allowTypeImports: true, message: 'The renderer may import only types from engine/, supernode/, native/ and electron/.' }] },
      ],
    },
  },
  {
    // shared/ runs in the engine, the Electron shell and the page alike: no Node, and only types
    // from the folders that are not browser-safe.
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'shared/ is loaded by the browser too: no Node modules.' },
            { group: ['**/engine/**', '**/supernode/**', '**/native/**', '**/electron/**', '**/desktop/**', '**/renderer/**'], allowTypeImports: true, message: 'shared/ may import only types from the rest of the tree.' },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
