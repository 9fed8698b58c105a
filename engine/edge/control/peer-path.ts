// Each peer's direct path (PROTOCOL.md §8.5 step 7, §8.7.3): when it last carried direct traffic,
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

/** How a unicast frame for the peer leaves now. */
export type SendWay = { readonly kind: 'direct'; readonly socket: Socket } | { readonly kind: 'relay' };

const RELAY: SendWay = { kind: 'relay' };

export class DirectPath {
  /** Last direct (not relayed) contact; 0 = never. */
  lastP2p = 0;
  via: SprayRoute | undefined = undefined;

  /** timeoutMs: the peer's registration timeout (§8.5 step 7 trusts a path for half of it). */
  constructor(readonly timeoutMs: number) {}

  /** Direct traffic is trusted until timeout/2 after the last direct contact. */
  get trustedUntil(): number {
    return this.lastP2p + this.timeoutMs / 2;
  }

  /** socket: the peer's, for a path a REGISTER_ACK confirmed (known_peers); undefined otherwise. */
  forSend(socket: Socket | undefined, now: number): SendWay {
    return socket === undefined || now >= this.trustedUntil ? RELAY : { kind: 'direct', socket };
  }

  /** The socket of ours that sends to `to`: the spray winner for its target; undefined: the main one. */
  senderFor(to: Socket): DatagramSender | undefined {
    const via = this.via;
    return via !== undefined && socketEquals(via.target, to) ? via.sender : undefined;
  }
}
