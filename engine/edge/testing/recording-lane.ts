// A recording ExpressLane (native/express.ts) for tests of the engine's side of the express lane:
// it carries nothing, remembers what the engine told it, and hands collect() the figures a test
// queues as if it had carried them.
import type { ExpressLane, ExpressPeer, ExpressStats, ExpressTraffic } from '../../../native/express.js';

export class RecordingLane implements ExpressLane {
  readonly calls: string[] = [];
  readonly peers = new Map<string, ExpressPeer>();
  readonly set: ExpressPeer[] = [];
  readonly removed: string[] = [];
  enabled = false;
  address: Uint8Array | undefined = undefined;
  closed = false;
  writeDrops = 0;
  private queued: [Uint8Array, ExpressTraffic][] = [];

  /** Queues figures for the next collect(), as if the lane had carried them for mac. */
  carry(mac: Uint8Array, traffic: Partial<ExpressTraffic>): void {
    this.queued.push([mac, { framesIn: 0, bytesIn: 0, datagramBytesIn: 0, framesOut: 0, bytesOut: 0, idleMs: undefined, ...traffic }]);
  }

  setAddress(ipv4: Uint8Array | undefined): void {
    this.calls.push('setAddress');
    this.address = ipv4 === undefined ? undefined : Uint8Array.from(ipv4);
  }

  /** Peers the lane holds before setPeer refuses a new one, as the native table's bound does. */
  capacity = Number.POSITIVE_INFINITY;

  setPeer(peer: ExpressPeer): boolean {
    this.calls.push('setPeer');
    const key = peer.mac.join(':');
    if (!this.peers.has(key) && this.peers.size >= this.capacity) return false;
    this.set.push(peer);
    this.peers.set(key, peer);
    return true;
  }

  removePeer(mac: Uint8Array): void {
    this.calls.push('removePeer');
    this.removed.push(mac.join(':'));
    this.peers.delete(mac.join(':'));
  }

  setEnabled(on: boolean): void {
    this.calls.push(`setEnabled ${String(on)}`);
    this.enabled = on;
  }

  collect(visit: (mac: Uint8Array, traffic: ExpressTraffic) => void): void {
    const queued = this.queued;
    this.queued = [];
    for (const [mac, traffic] of queued) visit(Uint8Array.from(mac), traffic);
  }

  stats(): ExpressStats {
    return { framesOut: 0, passedOut: 0, framesIn: 0, passedIn: 0, answered: 0, undecryptable: 0, sendErrors: 0, writeDrops: this.writeDrops };
  }

  close(): void {
    this.closed = true;
  }
}
