// Read-only views of the edge's records (views.ts shapes) for status calls and events.
import { macToString, socketToString } from '../../protocol/index.js';
import { hostPortText } from '../../../shared/config/values.js';
import type { EdgeContext } from '../context.js';
import { isAnswering, lastHeard } from '../control/peer-liveness.js';
import type { PeerRecord } from '../control/peer-table.js';
import { selectionText } from '../control/supernode-selection.js';
import type { SupernodeRecord } from '../control/supernode-selection.js';
import type { PeerPath, PeerView, SupernodeView } from './views.js';

/** Views carry whole milliseconds since the epoch (the clock has sub-millisecond resolution for RTTs). */
const epochMs = (time: number): number => Math.floor(time);

export function peerView(ctx: EdgeContext, record: PeerRecord): PeerView {
  const direct = ctx.peers.isKnown(record.mac);
  const path: PeerPath = direct ? 'direct' : 'relayed';
  const via = ctx.current?.socket;
  return {
    mac: macToString(record.mac),
    vpnIpv4: record.vpnIpv4 ?? (record.devAddr.address === '0.0.0.0' ? undefined : record.devAddr.address),
    vpnIpv6: record.vpnIpv6,
    devAddr: record.devAddr.address === '0.0.0.0' ? undefined : { ...record.devAddr },
    description: record.description,
    socket: record.path.socket === undefined ? undefined : socketToString(record.path.socket),
    advertisedSocket: record.preferredSocket === undefined ? undefined : socketToString(record.preferredSocket),
    path,
    via: direct || via === undefined ? undefined : socketToString(via),
    family: (direct ? record.path.socket : via)?.family,
    local: record.local,
    rttMs: direct ? record.directRtt.ms : record.relayRtt.ms,
    lastSeen: epochMs(record.lastSeen),
    lastP2p: epochMs(record.path.lastP2p),
    lastSentQuery: epochMs(record.lastSentQuery),
    createdAt: epochMs(record.createdAt),
    traffic: { ...record.traffic },
    answering: isAnswering(lastHeard(record, path), path, ctx.settings.registerIntervalMs, ctx.clock.nowMs()),
  };
}

/** awaitingAck: the current supernode has not acknowledged our latest registration. */
export function supernodeView(ctx: EdgeContext, record: SupernodeRecord, awaitingAck: boolean): SupernodeView {
  const selected = record === ctx.current;
  return {
    socket: record.socket === undefined ? hostPortText(record.host, record.port) : socketToString(record.socket),
    host: hostPortText(record.host, record.port),
    mac: record.mac === undefined ? undefined : macToString(record.mac),
    selected,
    waiting: selected && awaitingAck,
    purgeable: record.purgeable,
    rttMs: record.rtt.ms,
    lastSeen: epochMs(record.lastSeen),
    uptime: record.uptime,
    version: record.version,
    selection: selectionText(ctx.settings.selection, record, selected),
  };
}
