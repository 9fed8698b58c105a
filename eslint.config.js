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
    // shared/ runs in the window as well as in Node: no Node built-ins, and nothing from outside
    // shared/ (which could bring them in). Its tests run in Node only.
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!\\.\\.?/)', message: 'shared/ is browser-safe: no Node modules or packages.' },
            { regex: '(^|/)(engine|supernode|native|electron|desktop|renderer|e2e|bench|scripts)/', message: 'shared/ imports nothing from outside shared/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'shared/ is browser-safe: use Uint8Array and TextEncoder.' }, { name: 'process', message: 'shared/ is browser-safe.' }],
    },
  },
  {
    // Tests beside the code stand on their own: what they share lives in testing/ folders
    // (engine/testing, engine/edge/testing, supernode/testing); e2e/ holds the cross-process suites.
    files: ['{engine,shared,supernode,native,desktop,renderer,electron,scripts}/**/*.{ts,tsx,cts}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/e2e/**'], message: 'Code and tests beside it never import from e2e/; move a shared helper to a testing/ folder beside the code.' }] }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
