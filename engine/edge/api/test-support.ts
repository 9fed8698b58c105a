// A peer as kith.peers shows it, for tests of what is drawn from one: every field present, the
// figures unmeasured and the times "never" unless a test says otherwise.
import type { PeerView } from './views.js';

export function peerView(fields: Partial<PeerView> = {}): PeerView {
  return {
    mac: '02:00:00:00:00:02',
    vpnIpv4: undefined,
    vpnIpv6: undefined,
    devAddr: undefined,
    description: '',
    socket: undefined,
    advertisedSocket: undefined,
    path: 'direct',
    via: undefined,
    family: 'IPv4',
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
