// Snapshot fixtures shared by the renderer's unit tests.
import type { KithStatus, PeerView, SettingsView, SupernodeView } from '../../../engine/profiles/api.js';
import { defaultSettings } from '../../../shared/config/settings-form.js';

export function peer(overrides: Partial<PeerView> = {}): PeerView {
  return {
    mac: '02:00:00:00:00:01',
    vpnIpv4: '10.0.0.2',
    vpnIpv6: undefined,
    devAddr: undefined,
    description: 'laptop',
    socket: '192.0.2.10:7654',
    advertisedSocket: undefined,
    path: 'direct',
    via: undefined,
    family: 'IPv4',
    local: false,
    rttMs: 23,
    lastSeen: 1_000_000,
    lastP2p: 1_000_000,
    lastSentQuery: 0,
    createdAt: 900_000,
    traffic: { framesIn: 10, framesOut: 12, bytesIn: 2048, bytesOut: 4096 },
    answering: true,
    ...overrides,
  };
}

export const STATUS: KithStatus = {
  state: 'registered',
  community: 'family',
  description: 'desk',
  mac: '02:00:00:00:00:aa',
  address: '10.0.0.1/24',
  addressMode: 'auto',
  supernode: '198.51.100.1:7654',
  supernodeRttMs: 31,
  version: '0.1.0',
};

export const SUPERNODE: SupernodeView = {
  socket: '198.51.100.1:7654',
  host: 'sn.example.net:7654',
  mac: undefined,
  selected: true,
  waiting: false,
  purgeable: false,
  rttMs: 31,
  lastSeen: 1_000_000,
  uptime: 100,
  version: '3.4.5',
  selection: 'load = 1',
};

export const SECRET_KEY = 'Tr0ub4dor&3-super-secret';

export const SETTINGS: SettingsView = {
  profile: 'family',
  settings: { ...defaultSettings(), community: 'family', key: SECRET_KEY, cipher: 'AES', supernodes: ['sn.example.net:7654'], description: 'desk' },
};
