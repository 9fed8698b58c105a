// Event streams (MANAGEMENT.md §7): topics declared by the daemon plus the built-in `debug`
// mirror, RFC 7464 records (RS + JSON + LF), bounded buffering per subscriber.
//
// Subscribers per topic: n3n allows one, because each subscription occupies one of its few fixed
// connection slots; a new subscriber evicts the old one and is told so by a first record
// `"replacing"` (§7.3). No n3n client depends on being the only subscriber, while Kith's desktop
// app and a terminal `curl` want the same topic at once. So a topic keeps up to
// `maxSubscribersPerTopic` subscribers and only when that is reached does n3n's rule apply: the
// oldest is closed and the newcomer gets `"replacing"`. With a limit of 1 this is exactly n3n.
//
// A topic whose publisher can say what things look like now (the `kith.stats` figures) starts
// every subscription with that snapshot, so no client has to call before it listens; a `debug`
// subscriber gets the snapshot of every such topic. n3n's topics have none and stay as they were.
import { err, ok, type Result } from '../../shared/result.js';
import type { TopicSpecs } from './topics.js';

export interface EventSink {
  /** How `help.events` shows the subscriber (§6.2): `AF(1)` for unix, the IP for TCP. */
  readonly label: string;
  write(record: string): void;
  /** Bytes accepted by `write` but not yet handed to the kernel. */
  bufferedBytes(): number;
  close(): void;
}

export interface EventTopicRow {
  readonly topic: string;
  readonly sockaddr: string;
  readonly desc: string;
}

export interface EventHubLimits {
  readonly maxSubscribersPerTopic: number;
  /** A subscriber that lets this much pile up is too slow and is dropped. */
  readonly maxBufferedBytes: number;
}

export type PublishError = 'unknown-topic' | 'not-serialisable';

export const DEBUG_TOPIC = 'debug';
const DEBUG_DESCRIPTION = 'All events - for event debugging';

function record(json: string): string {
  return `\x1e${json}\n`;
}

/** Payload members follow `event`, which always comes first and cannot be overridden (§7.4). */
function eventJson(topic: string, payload: object): Result<string, 'not-serialisable'> {
  const members: Record<string, unknown> = { event: topic };
  for (const [key, value] of Object.entries(payload)) if (key !== 'event') members[key] = value;
  try {
    return ok(JSON.stringify(members));
  } catch {
    return err('not-serialisable');
  }
}

/** The current payload of a topic, or undefined when it has none to start a subscription with. */
export type TopicSnapshot = (topic: string) => object | undefined;

export class EventHub {
  private readonly descriptions: ReadonlyMap<string, string>;
  private readonly subscribers = new Map<string, EventSink[]>();

  constructor(
    topics: TopicSpecs,
    private readonly limits: EventHubLimits,
    private readonly snapshot: TopicSnapshot = () => undefined,
  ) {
    const entries: [string, string][] = [[DEBUG_TOPIC, DEBUG_DESCRIPTION]];
    for (const [topic, { description }] of Object.entries(topics)) if (topic !== DEBUG_TOPIC) entries.push([topic, description]);
    this.descriptions = new Map(entries);
    for (const topic of this.descriptions.keys()) this.subscribers.set(topic, []);
  }

  hasTopic(topic: string): boolean {
    return this.descriptions.has(topic);
  }

  /** False for an unknown topic. The caller must call `unsubscribe` when the sink's connection ends. */
  subscribe(topic: string, sink: EventSink): boolean {
    const list = this.subscribers.get(topic);
    if (list === undefined) return false;
    if (list.length >= this.limits.maxSubscribersPerTopic) {
      list.shift()?.close();
      sink.write(record('"replacing"'));
    }
    list.push(sink);
    for (const name of topic === DEBUG_TOPIC ? this.descriptions.keys() : [topic]) {
      const payload = name === DEBUG_TOPIC ? undefined : this.snapshot(name);
      const json = payload === undefined ? undefined : eventJson(name, payload);
      if (json?.ok === true) sink.write(record(json.value));
    }
    return true;
  }

  unsubscribe(topic: string, sink: EventSink): void {
    const list = this.subscribers.get(topic);
    const index = list?.indexOf(sink) ?? -1;
    if (index >= 0) list?.splice(index, 1);
  }

  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.length ?? 0;
  }

  /** Sends `{"event":topic,...payload}` to the topic's subscribers and to `debug`'s. */
  publish(topic: string, payload: object): Result<number, PublishError> {
    if (!this.hasTopic(topic)) return err('unknown-topic');
    // A topic published on a timer (kith.stats) costs no serialisation while nobody listens.
    if (this.subscriberCount(topic) === 0 && this.subscriberCount(DEBUG_TOPIC) === 0) return ok(0);
    const json = eventJson(topic, payload);
    if (!json.ok) return json;
    const text = record(json.value);
    const targets = topic === DEBUG_TOPIC ? [DEBUG_TOPIC] : [topic, DEBUG_TOPIC];
    let delivered = 0;
    for (const target of targets) {
      for (const sink of [...(this.subscribers.get(target) ?? [])]) {
        if (sink.bufferedBytes() + Buffer.byteLength(text) > this.limits.maxBufferedBytes) {
          this.unsubscribe(target, sink);
          sink.close();
        } else {
          sink.write(text);
          delivered++;
        }
      }
    }
    return ok(delivered);
  }

  /** MANAGEMENT.md §6.2; several subscribers are listed comma-separated, none is `?:?`. */
  describe(): EventTopicRow[] {
    return [...this.descriptions].map(([topic, desc]) => {
      const sinks = this.subscribers.get(topic) ?? [];
      return { topic, sockaddr: sinks.length === 0 ? '?:?' : sinks.map((sink) => sink.label).join(','), desc };
    });
  }

  closeAll(): void {
    for (const list of this.subscribers.values()) {
      for (const sink of list.splice(0)) sink.close();
    }
  }
}
