// Public API of the edge engine.
export { Edge, EdgeConfigError } from './edge.js';
export type { EdgeOptions } from './edge.js';
export type { EdgeEventMap, PeerRemovalReason } from './events.js';
export { EdgeEvents } from './events.js';
export { createMemoryFramePort } from './frame-port.js';
export type { FramePort, MemoryFramePort } from './frame-port.js';
export type { AddressHook } from './addressing.js';
export type { PacketCounters, Traffic, TxRx } from './counters.js';
export type { EdgeSettings } from './settings.js';
export type { DatagramFilter } from './udp-transport.js';
export type { EdgeState, EdgeStatus, EdgeTimestamps, PeerPath, PeerView, SupernodeView } from './views.js';
