// Playwright runs the UI specs (e2e/**/*.spec.ts) — what a person sees, against real daemons in
// network namespaces (e2e/ui/harness.ts). node:test owns the *.test.ts files; they are not matched
// here. One worker: the specs build namespaces and start daemons, and the CI machine has two cores.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: process.env['CI'] !== undefined,
  retries: 0,
  // A spec builds its topology and starts a supernode and edges in beforeAll; each step is bounded
  // far below this.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  globalSetup: './e2e/ui/global-setup.ts',
  globalTeardown: './e2e/ui/global-teardown.ts',
  // test-results/ holds what a failure leaves to look at; a passing run removes it.
  reporter: [['list'], ['./e2e/ui/output-cleanup.ts']],
  outputDir: 'test-results',
  use: {
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'off',
  },
});
