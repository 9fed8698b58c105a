// Mappings kept under names ("supernode-udp", "edge"…) for a program whose ports come and go: the
// hosted supernode starts and stops with network switches, the edge's UDP port changes when its
// session restarts. Holding a name on a new port releases the old mapping first; the port mapper
// renews what is held and deletes everything on close. The last result per name (a mapping or why
// none) is what the reachability report is made from.
import type { PortMapper } from './port-mapper.js';
import type { MapResult, Transport } from './types.js';

interface Held {
  readonly transport: Transport;
  readonly port: number;
  /** The router's answer, while it is being asked. */
  readonly asked: Promise<MapResult>;
  result: MapResult | undefined;
}

export class HeldMappings {
  private readonly held = new Map<string, Held>();

  constructor(private readonly mapper: PortMapper) {
    // A renewal that moved the external address or port shows in the report.
    mapper.on('changed', (mapping) => {
      for (const entry of this.held.values()) if (entry.result?.ok === true && entry.result.value.id === mapping.id && 'externalAddress' in mapping) entry.result = { ok: true, value: mapping };
    });
  }

  /**
   * Maps `port` under `name` (again only if it changed); resolves with the router's answer. A second
   * call for the same port while the router is asked waits for that answer: two requests would make
   * one router mapping, and giving one back would delete the other's.
   */
  async hold(name: string, transport: Transport, port: number): Promise<MapResult> {
    const previous = this.held.get(name);
    if (previous !== undefined && previous.transport === transport && previous.port === port) return previous.asked;
    // The entry is in place before anything is awaited, so a call meanwhile finds it.
    const released = this.release(name);
    const asked = released.then(() => this.mapper.map({ transport, internalPort: port }));
    const entry: Held = { transport, port, asked, result: undefined };
    this.held.set(name, entry);
    const result = await asked;
    // Released (or held on another port) while the router answered: give the mapping back.
    if (this.held.get(name) !== entry) {
      if (result.ok) await this.mapper.remove(result.value.id);
      return result;
    }
    entry.result = result;
    return result;
  }

  /** Deletes the mapping held under `name`, if any. */
  async release(name: string): Promise<void> {
    const entry = this.held.get(name);
    if (entry === undefined) return;
    this.held.delete(name);
    if (entry.result?.ok === true) await this.mapper.remove(entry.result.value.id);
  }

  /** The router's last answer for `name`; undefined while it is being asked or when nothing is held. */
  result(name: string): MapResult | undefined {
    return this.held.get(name)?.result;
  }

  close(): Promise<void> {
    this.held.clear();
    return this.mapper.close();
  }
}
