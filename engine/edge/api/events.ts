// What the edge announces (DESIGN.md "events out, snapshots in"): the desktop store and the
// management event stream apply these and can always re-read a full snapshot.
import { EventEmitter } from 'node:events';
import type { IpSubnet } from '../../protocol/index.js';
import type { EdgeState, PeerPath, PeerView } from './views.js';

export type PeerRemovalReason = 'purged' | 'expired' | 'moved' | 'cleared';

export interface EdgeEventMap {
  'state-changed': [{ readonly state: EdgeState; readonly previous: EdgeState; readonly reason: string | undefined }];
  'peer-added': [PeerView];
  'peer-removed': [{ readonly mac: string; readonly reason: PeerRemovalReason }];
  'path-changed': [{ readonly mac: string; readonly path: PeerPath; readonly via: string | undefined }];
  'supernode-selected': [{ readonly sockaddr: string; readonly mac: string }];
  'address-assigned': [IpSubnet];
}

/** A typed EventEmitter; listeners run synchronously inside the engine and must not throw. */
export class EdgeEvents extends EventEmitter<EdgeEventMap> {}
