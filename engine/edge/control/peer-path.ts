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

/** How a unicast data frame for the peer leaves now. */
export type SendWay = 'direct' | 'relay';

/** Where a path's socket was learned: observed as a datagram's source, or reported by a supernode. */
export type SocketOrigin = 'direct' | 'supernode';

export class DirectPath {
  /** Last direct (not relayed) contact; 0 = never. */
  lastP2p = 0;
  via: SprayRoute | undefined = undefined;

  /**
   * timeoutMs: the peer's registration timeout (§8.5 step 7 trusts a path for half of it); socket:
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

  /** Direct traffic is trusted until timeout/2 after the last direct contact. */
  get trustedUntil(): number {
    return this.lastP2p + this.timeoutMs / 2;
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
