// After the UI specs, whatever happened to the workers: every namespace a spec created (they are
// recorded by run id in harness.ts) is emptied of processes and deleted. Normally the specs'
// afterAll hooks have done this already and there is nothing left to find.
import { sweepRecordedRuns } from './harness.js';

export default function globalTeardown(): void {
  sweepRecordedRuns();
}
