// Snapshot shapes the edge exposes (to kith-edge's management methods, MANAGEMENT.md §6, and to the
// desktop). Plain JSON-friendly data: strings for MACs and sockets, numbers for times (ms since the
// epoch, 0 = never) and RTTs (ms).
import type { IpSubnet, SocketFamily } from '../../protocol/index.js';
import type { PacketCounters, Traffic } from '../data-path/counters.js';

import type { EdgeState, PeerPath } from '../../../shared/edge-state.js';

export type { EdgeState, PeerPath };

export interface PeerView {
  /** 'aa:bb:cc:dd:ee:ff' */
  readonly mac: string;
  readonly vpnIpv4: string | undefined;
  readonly vpnIpv6: string | undefined;
  /** From the peer's REGISTER (dev_addr), when it announced one. */
  readonly devAddr: IpSubnet | undefined;
  readonly description: string;
  /** Public socket 'a.b.c.d:port' or '[v6]:port', as observed or as a supernode reported it. */
  readonly socket: string | undefined;
  readonly advertisedSocket: string | undefined;
  readonly path: PeerPath;
  /** For relayed peers: the supernode the frames go through. */
  readonly via: string | undefined;
  /** The IP family the frames to the peer travel over: the direct socket's, or the relaying supernode's. */
  readonly family: SocketFamily | undefined;
  readonly local: boolean;
  /** Smoothed RTT of the path in use (direct REGISTER/ACK, or QUERY_PEER/PEER_INFO via the supernode). */
  readonly rttMs: number | undefined;
  readonly lastSeen: number;
  readonly lastP2p: number;
  readonly lastSentQuery: number;
  readonly createdAt: number;
  readonly traffic: Traffic;
  /** False once the peer has been silent for longer than its path allows (control/peer-liveness.ts), until it is purged. */
  readonly answering: boolean;
}

export interface SupernodeView {
  /** Resolved 'a.b.c.d:port', or the configured host:port before resolution. */
  readonly socket: string;
  readonly host: string;
  readonly mac: string | undefined;
  readonly selected: boolean;
  /** Selected, but the registration is not acknowledged yet (MANAGEMENT.md §6.8 current = 2). */
  readonly waiting: boolean;
  readonly purgeable: boolean;
  readonly rttMs: number | undefined;
  readonly lastSeen: number;
  readonly uptime: number;
  readonly version: string;
  /** MANAGEMENT.md §6.8 selection text. */
  readonly selection: string;
}

export interface EdgeStatus {
  readonly state: EdgeState;
  /** Why the state is 'error' or 'no-supernode'. */
  readonly reason: string | undefined;
  readonly community: string;
  readonly mac: string;
  readonly description: string;
  readonly address: IpSubnet | undefined;
  readonly addressMode: 'auto' | 'static' | 'dhcp';
  readonly supernode: string | undefined;
  readonly localPort: number | undefined;
  readonly counters: PacketCounters;
  /** The native express lane's figures (Linux); undefined where it does not run. */
  readonly express: ExpressFigures | undefined;
}

/** Frames the express lane (engine/edge/data-path/express-lane.ts) carried, and those it left to the engine. */
export interface ExpressFigures {
  readonly framesOut: number;
  readonly framesIn: number;
  readonly passedOut: number;
  readonly passedIn: number;
  /** REGISTERs from lane peers it acknowledged itself. */
  readonly answered: number;
}

/** MANAGEMENT.md §6.9 (edge fields), ms since the epoch, 0 = never. */
export interface EdgeTimestamps {
  readonly startTime: number;
  readonly lastRegisterReq: number;
  readonly lastRxP2p: number;
  readonly lastRxSuper: number;
  readonly lastSweep: number;
}
