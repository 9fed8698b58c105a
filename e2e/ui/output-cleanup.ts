// A Playwright reporter that removes the output folder (test-results/: failure pictures, logs,
// screenshots taken by the specs, Playwright's .last-run.json) after a run in which every test
// passed, so `npm test` leaves the tree as it found it. After a failure the folder stays, and this
// says where.
import { rmSync } from 'node:fs';
import type { FullConfig, FullResult, Reporter } from '@playwright/test/reporter';

export default class OutputCleanup implements Reporter {
  private outputDirs: string[] = [];
  private passed = false;

  onBegin(config: FullConfig): void {
    this.outputDirs = [...new Set(config.projects.map((project) => project.outputDir))];
  }

  onEnd(result: FullResult): void {
    this.passed = result.status === 'passed';
    if (!this.passed) process.stderr.write(`UI spec output kept in ${this.outputDirs.join(', ')}\n`);
  }

  // After every reporter's onEnd, Playwright's own .last-run.json included.
  onExit(): Promise<void> {
    if (this.passed) for (const dir of this.outputDirs) rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  }

  printsToStdio(): boolean {
    return false;
  }
}
