// The import rules between the rooms (docs/ARCHITECTURE.md, "Import directions"), checked by
// `npm run lint` through scripts/check-imports.ts, which also fails on any cycle between rooms.
// Paths are regular expressions on repository-relative paths.
//
// The graph holds the code that runs: tests (`*.test.ts`, Playwright's `*.spec.ts`, the programs in
// `test-fixtures/` that tests start) are left out.
// Nothing imports a test, so a test cannot close a cycle between modules; counting it would forbid
// a test beside the code from using a helper (engine/testing/, e2e harnesses) that itself imports
// the code under test.

/** The rooms that ship (everything but tests, benchmarks, end-to-end harnesses and tooling). */
const SHIPPED = '^(engine|supernode|native|desktop|electron|renderer)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'daemons-without-electron',
      comment: 'DESIGN.md: engine/ and supernode/ run under plain Node; they never import Electron, the shell or the UI.',
      severity: 'error',
      from: { path: '^(engine|supernode)/' },
      to: { path: '^(electron|renderer|desktop)/|^node_modules/electron/' },
    },
    {
      name: 'native-stands-alone',
      comment: 'native/ (the addon and its loaders) imports nothing of the TypeScript rooms above it.',
      severity: 'error',
      from: { path: '^native/' },
      to: { path: '^(engine|supernode|desktop|electron|renderer)/' },
    },
    {
      name: 'renderer-without-node',
      comment: 'DESIGN.md: the page runs in a browser; it imports no Node built-in (vite.config.ts is build tooling and runs in Node).',
      severity: 'error',
      from: { path: '^renderer/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shipped-without-tooling',
      comment: 'What ships never imports benchmarks, end-to-end harnesses or build scripts.',
      severity: 'error',
      from: { path: SHIPPED },
      to: { path: '^(bench|e2e|scripts)/' },
    },
  ],
  options: {
    exclude: { path: '^(dist|native/build)/|/test-fixtures/|\\.(test|spec)\\.tsx?$' },
    doNotFollow: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
