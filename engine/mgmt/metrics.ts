// A small metrics registry rendered as Prometheus text for GET /metrics (MANAGEMENT.md §2.5).
// Every sample carries the daemon's real session name first (n3n's supernode printed "(null)").

type Labels<L extends string> = Readonly<Record<L, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SESSION_LABEL = 'session';

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

class Family<L extends string> {
  private readonly samples = new Map<string, { labels: Labels<L>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    private readonly labelNames: readonly L[],
  ) {}

  protected keyOf(labels: Labels<L>): string {
    return JSON.stringify(this.labelNames.map((name) => labels[name]));
  }

  protected update(labels: Labels<L>, change: (value: number) => number): void {
    const key = this.keyOf(labels);
    const sample = this.samples.get(key);
    if (sample === undefined) this.samples.set(key, { labels: { ...labels }, value: change(0) });
    else sample.value = change(sample.value);
  }

  render(session: string): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.samples.values()) {
      const pairs = [`${SESSION_LABEL}="${escapeLabelValue(session)}"`];
      for (const name of this.labelNames) pairs.push(`${name}="${escapeLabelValue(labels[name])}"`);
      lines.push(`${this.name}{${pairs.join(',')}} ${formatValue(value)}`);
    }
    return lines.join('\n') + '\n';
  }
}

export class Counter<L extends string> extends Family<L> {
  /** The engine's totals at the previous follow() of each sample. */
  private readonly followed = new Map<string, number>();

  /** Counters only go up; a negative or non-finite amount is a programming error. */
  inc(labels: Labels<L>, amount = 1): void {
    if (!(amount >= 0 && Number.isFinite(amount))) throw new RangeError(`counter ${this.name}: bad increment`);
    this.update(labels, (value) => value + amount);
  }

  /**
   * Follows a total the engine keeps, read at scrape time: adds what it grew by since the previous
   * call. A total that went down (the engine started over) adds nothing and becomes the new base.
   */
  follow(labels: Labels<L>, total: number): void {
    const key = this.keyOf(labels);
    const delta = total - (this.followed.get(key) ?? 0);
    this.followed.set(key, total);
    this.inc(labels, Math.max(0, delta));
  }
}

export class Gauge<L extends string> extends Family<L> {
  set(labels: Labels<L>, value: number): void {
    this.update(labels, () => value);
  }

  add(labels: Labels<L>, amount: number): void {
    this.update(labels, (value) => value + amount);
  }
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family<string>>();

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.register(new Counter(name, help, 'counter', labelNames), labelNames);
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.register(new Gauge(name, help, 'gauge', labelNames), labelNames);
  }

  render(session: string): string {
    return [...this.families.values()].map((family) => family.render(session)).join('');
  }

  private register<F extends Family<string>>(family: F, labelNames: readonly string[]): F {
    if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} registered twice`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === SESSION_LABEL) {
        throw new Error(`metric ${family.name}: invalid label name ${label}`);
      }
    }
    if (new Set(labelNames).size !== labelNames.length) throw new Error(`metric ${family.name}: duplicate label`);
    this.families.set(family.name, family);
    return family;
  }
}
