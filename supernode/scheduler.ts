// Periodic tasks (PROTOCOL.md §9.7, §10.2) driven by one unref'd interval and the supernode's
// clock: a task runs when its period has elapsed on that clock, so tests can advance a manual clock
// and call runDue() instead of waiting.
import type { Clock } from '../engine/clock.js';

interface Task {
  readonly name: string;
  readonly periodMs: number;
  nextDueMs: number;
  readonly run: () => void;
}

const TICK_MS = 1000;

export class Scheduler {
  private readonly tasks: Task[] = [];
  private interval: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (task: string, error: unknown) => void,
  ) {}

  /** Adds a task whose first run is one period from now (or immediately with runNow). */
  every(name: string, periodMs: number, run: () => void, runNow = false): void {
    this.tasks.push({ name, periodMs, run, nextDueMs: this.clock.nowMs() + (runNow ? 0 : periodMs) });
  }

  start(): void {
    this.interval ??= setInterval(() => this.runDue(), TICK_MS).unref();
  }

  stop(): void {
    if (this.interval !== undefined) clearInterval(this.interval);
    this.interval = undefined;
  }

  /** Runs every task that is due, each at most once. */
  runDue(): void {
    const now = this.clock.nowMs();
    for (const task of this.tasks) {
      if (now < task.nextDueMs) continue;
      task.nextDueMs = now + task.periodMs;
      try {
        task.run();
      } catch (error) {
        this.onError(task.name, error);
      }
    }
  }
}
