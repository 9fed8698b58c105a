// Traffic counters with the meaning of n3n's edge `get_packetstats` rows (MANAGEMENT.md §6.7,
// N3N-TESTS.md §3): every PACKET through the transform counts once in transop, then once in p2p
// (sent to / received from a peer directly) or super (via the supernode), broadcasts via the
// supernode additionally in super_broadcast.
export interface TxRx {
  tx: number;
  rx: number;
}

export interface PacketCounters {
  transop: TxRx;
  p2p: TxRx;
  super: TxRx;
  superBroadcast: TxRx;
  /** Frames the frame port refused to write (tx only). */
  tuntapError: { tx: number };
  /** Multicast frames dropped because filter.allow_multicast is off: tx = read from the TAP, rx = received. */
  multicastDrop: TxRx;
  /** Kith's port spray (port-spray.ts); not part of get_packetstats. */
  portSpray: PortSprayCounters;
  /** Kith: datagrams for a peer not sent because its credit did not cover them (peer-trust.ts). */
  withheld: number;
}

export interface PortSprayCounters {
  /** Rounds started (either role). */
  rounds: number;
  /** Extra sockets opened and TTL-limited openers sent from them (hard side). */
  sockets: number;
  openers: number;
  /** Probes sent to random ports of a peer (easy side). */
  probes: number;
  /** Rounds that found a path (an extra socket received from the peer). */
  hits: number;
  /** Probes and openers not sent: the edge's spray budget per minute was spent (port-spray.ts). */
  throttled: number;
}

export function newPacketCounters(): PacketCounters {
  return {
    transop: { tx: 0, rx: 0 },
    p2p: { tx: 0, rx: 0 },
    super: { tx: 0, rx: 0 },
    superBroadcast: { tx: 0, rx: 0 },
    tuntapError: { tx: 0 },
    multicastDrop: { tx: 0, rx: 0 },
    portSpray: { rounds: 0, sockets: 0, openers: 0, probes: 0, hits: 0, throttled: 0 },
    withheld: 0,
  };
}

/** Per-peer traffic for the peer list (Kith's own figures). */
export interface Traffic {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export function newTraffic(): Traffic {
  return { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
}
