// Snapshot builders for the tray and notification tests.
import type { KithStatus, PeerView } from '../engine/profiles/api.js';
import { peerView } from '../engine/edge/api/test-support.js';
import type { DesktopSnapshot } from './desktop-snapshot.js';

export function peer(mac: string, fields: Partial<PeerView> = {}): PeerView {
  return peerView({ mac, ...fields });
}

export function status(state: KithStatus['state'], fields: Partial<KithStatus> = {}): KithStatus {
  return { state, community: 'home', description: 'laptop', mac: '02:00:00:00:00:01', addressMode: 'auto', version: '0.1.0', ...fields };
}

export function snapshot(fields: Partial<DesktopSnapshot> = {}): DesktopSnapshot {
  return { engine: 'running', peers: [], profiles: [], startAtLogin: false, ...fields };
}
