// Snapshot builders for the tray and notification tests.
import type { KithStatus, PeerView } from '../engine/profiles/api.js';
import type { DesktopSnapshot } from './desktop-snapshot.js';

export function peer(mac: string, fields: Partial<PeerView> = {}): PeerView {
  return {
    mac,
    vpnIpv4: undefined,
    vpnIpv6: undefined,
    devAddr: undefined,
    description: '',
    socket: undefined,
    advertisedSocket: undefined,
    path: 'direct',
    via: undefined,
    local: false,
    rttMs: undefined,
    lastSeen: 0,
    lastP2p: 0,
    lastSentQuery: 0,
    createdAt: 0,
    traffic: { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 },
    answering: true,
    ...fields,
  };
}

export function status(state: KithStatus['state'], fields: Partial<KithStatus> = {}): KithStatus {
  return { state, community: 'home', description: 'laptop', mac: '02:00:00:00:00:01', addressMode: 'auto', version: '0.1.0', ...fields };
}

export function snapshot(fields: Partial<DesktopSnapshot> = {}): DesktopSnapshot {
  return { engine: 'running', peers: [], profiles: [], startAtLogin: false, ...fields };
}
