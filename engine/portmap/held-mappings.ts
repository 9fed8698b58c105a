// Mappings and pinholes kept under names ("supernode-udp", "edge-v6"…) for a program whose ports
// come and go: the hosted supernode starts and stops with network switches, the edge's UDP port
// changes when its session restarts, and the computer's global IPv6 address can change too. Holding
// a name for another port (or address) releases the old lease first; the port mapper renews what is
// held and deletes everything on close. The last result per name (a mapping, a pinhole, or why
// none) is what the reachability report is made from.
import type { PortMapper } from './port-mapper.js';
import type { MapResult, PinholeResult, Transport } from './types.js';

type LeaseResult = MapResult | PinholeResult;

interface Held {
  /** What was asked for: kind, transport, address and port; the same key asks nothing new. */
  readonly key: string;
  /** The router's answer, while it is being asked. */
  readonly asked: Promise<LeaseResult>;
  result: LeaseResult | undefined;
}

export class HeldMappings {
  private readonly held = new Map<string, Held>();

  constructor(private readonly mapper: PortMapper) {
    // A renewal that moved the external address or port (or the lifetime) shows in the report.
    mapper.on('changed', (lease) => {
      for (const entry of this.held.values()) if (entry.result?.ok === true && entry.result.value.id === lease.id) entry.result = { ok: true, value: lease } as LeaseResult;
    });
  }

  /** Maps `port` (IPv4 NAT) under `name`; resolves with the router's answer. */
  hold(name: string, transport: Transport, port: number): Promise<MapResult> {
    return this.holdLease(name, `map ${transport} ${port}`, () => this.mapper.map({ transport, internalPort: port })) as Promise<MapResult>;
  }

  /** Opens an IPv6 pinhole to address:port under `name`; resolves with the router's answer. */
  holdPinhole(name: string, transport: Transport, address: string, port: number): Promise<PinholeResult> {
    return this.holdLease(name, `pinhole ${transport} [${address}]:${port}`, () => this.mapper.openPinhole({ transport, address, port })) as Promise<PinholeResult>;
  }

  /**
   * Asks the router (again only if the key changed). A second call with the same key while the
   * router is asked waits for that answer: two requests would make one router lease, and giving
   * one back would delete the other's.
   */
  private async holdLease(name: string, key: string, ask: () => Promise<LeaseResult>): Promise<LeaseResult> {
    const previous = this.held.get(name);
    if (previous !== undefined && previous.key === key) return previous.asked;
    // The entry is in place before anything is awaited, so a call meanwhile finds it.
    const released = this.release(name);
    const asked = released.then(ask);
    const entry: Held = { key, asked, result: undefined };
    this.held.set(name, entry);
    const result = await asked;
    // Released (or held for something else) while the router answered: give the lease back.
    if (this.held.get(name) !== entry) {
      if (result.ok) await this.mapper.remove(result.value.id);
      return result;
    }
    entry.result = result;
    return result;
  }

  /** Deletes the mapping or pinhole held under `name`, if any. */
  async release(name: string): Promise<void> {
    const entry = this.held.get(name);
    if (entry === undefined) return;
    this.held.delete(name);
    if (entry.result?.ok === true) await this.mapper.remove(entry.result.value.id);
  }

  /** The router's last answer for the mapping `name`; undefined while it is being asked or when nothing is held. */
  result(name: string): MapResult | undefined {
    const result = this.held.get(name)?.result;
    return result?.ok === true && !('externalAddress' in result.value) ? undefined : (result as MapResult | undefined);
  }

  /** The router's last answer for the pinhole `name`, as result() for mappings. */
  pinhole(name: string): PinholeResult | undefined {
    const result = this.held.get(name)?.result;
    return result?.ok === true && 'externalAddress' in result.value ? undefined : (result as PinholeResult | undefined);
  }

  close(): Promise<void> {
    this.held.clear();
    return this.mapper.close();
  }
}
