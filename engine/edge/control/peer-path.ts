// Each peer's path (PROTOCOL.md §8.5 step 7, §8.7.3): the one place that says where the peer is
// reached — its socket and where that was learned, when the socket last carried direct traffic,
// until when it is trusted, and the socket of ours it leaves from when that is not the main one (a
// port spray's winner, port-spray.ts). Reading it has no side effects: moving a peer whose trust
// lapsed back to pending is the peer table's (PeerTable.expireDirect).
import { socketEquals } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';
import type { DatagramSender } from '../context.js';

/** A socket of ours other than the main one, which reaches target (a port spray's winner). */
export interface SprayRoute {
  readonly target: Socket;
  readonly sender: DatagramSender;
}

/** Kith: a REGISTER to each known peer this often (hole-punch.ts) refreshes its last_p2p for us (a Kith peer's, ours) and measures the RTT. */
export const DIRECT_PROBE_INTERVAL_MS = 4_000;
/** Kith: keep-alive probes to a direct peer that may go unanswered in a row before its path lapses. */
export const MISSED_PROBES_ALLOWED = 2;

/**
 * How long a direct path is trusted after the last direct contact: §8.5 step 7's timeout/2
 * (register_interval/2, 10 s by default), but never less than MISSED_PROBES_ALLOWED keep-alive
 * probes going missing after the last one that arrived (12 s). A quiet peer is heard only through
 * its probes: with a window shorter than their interval (1.5 s at a register_interval of 3 s) a
 * healthy path would lapse to the relay between two of them, at the first frame sent in the gap.
 */
export function directTrustMs(timeoutMs: number): number {
  return Math.max(timeoutMs / 2, (MISSED_PROBES_ALLOWED + 1) * DIRECT_PROBE_INTERVAL_MS);
}

/** How a unicast data frame for the peer leaves now. */
export type SendWay = 'direct' | 'relay';

/** Where a path's socket was learned: observed as a datagram's source, or reported by a supernode. */
export type SocketOrigin = 'direct' | 'supernode';

export class DirectPath {
  /** Last direct (not relayed) contact; 0 = never. */
  lastP2p = 0;
  via: SprayRoute | undefined = undefined;

  /**
   * timeoutMs: the peer's registration timeout (§8.5 step 7 trusts a path for half of it, Kith
   * at least for its keep-alive probes: directTrustMs); socket:
   * the peer's (undefined until learned), origin: where it was learned.
   */
  constructor(
    readonly timeoutMs: number,
    public socket: Socket | undefined,
    public origin: SocketOrigin,
  ) {}

  /** The peer is now reached at socket, learned as origin says. */
  reach(socket: Socket, origin: SocketOrigin): void {
    this.socket = socket;
    this.origin = origin;
  }

  /** Direct traffic is trusted until directTrustMs after the last direct contact. */
  get trustedUntil(): number {
    return this.lastP2p + directTrustMs(this.timeoutMs);
  }

  /**
   * Kith (§8.7.5): a socket a supernode reports never replaces one observed directly. Returns the
   * socket the peer is reached at now.
   */
  reported(socket: Socket): Socket {
    if (this.origin !== 'direct' || this.socket === undefined) this.reach(socket, 'supernode');
    return this.socket ?? socket;
  }

  /**
   * For a peer in known_peers (a REGISTER_ACK confirmed the path): direct while trusted, relay
   * once trust lapsed (§8.5 step 7).
   */
  forSend(now: number): SendWay {
    return this.socket === undefined || now >= this.trustedUntil ? 'relay' : 'direct';
  }

  /** The socket of ours that sends to `to`: the spray winner for its target; undefined: the main one. */
  senderFor(to: Socket): DatagramSender | undefined {
    const via = this.via;
    return via !== undefined && socketEquals(via.target, to) ? via.sender : undefined;
  }
}
