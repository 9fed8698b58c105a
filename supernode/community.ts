// One community as the supernode keeps it (PROTOCOL.md §9.1): header-encryption state and keys
// (§6.5), user/password users (§7.3), registered edges, associations with other supernodes, and
// the auto-IP subnet (§9.6.1).
import { communityName, macKey } from '../engine/protocol/index.js';
import type { Auth, IpSubnet, Mac, Socket } from '../engine/protocol/index.js';
import { dynamicHeaderKeys, staticHeaderKeys } from '../engine/crypto/header-encryption.js';
import type { HeaderKeys } from '../engine/crypto/header-encryption.js';
import type { SenderStampRecord } from '../engine/crypto/timestamp.js';
import type { SpeckKeySchedule } from '../engine/crypto/speck.js';
import type { Subnet } from './auto-ip.js';
import type { Route } from './route.js';

export type HeaderEncryptionState = 'unknown' | 'enabled' | 'none';
export type KeyKind = 'static' | 'dynamic';

export interface CommunityUser {
  readonly name: string;
  readonly publicKey: Uint8Array;
  /** Shared secret with the federation key (§7.3.1). */
  readonly secret: Uint8Array;
  /** Token cipher E/D keyed with secret[0..16). */
  readonly cipher: SpeckKeySchedule;
}

export interface EdgeRecord {
  readonly mac: Mac;
  route: Route;
  /** The address the edge reported (§9.6.2: not the one assigned); 0.0.0.0 = none. */
  devAddr: IpSubnet;
  description: string;
  /** Advertised LAN socket (SOCKET flag of its REGISTER_SUPER). */
  preferredSocket: Socket | undefined;
  /** Stored with the first registration (§7.2); scheme 0 accepts any token. */
  auth: Auth;
  lastCookie: number;
  readonly createdMs: number;
  lastSeenMs: number;
  readonly stamp: SenderStampRecord;
}

/** An edge registered at another supernode of the federation (§9.3.1 step 12). */
export interface Association {
  readonly mac: Mac;
  supernode: Socket;
  lastSeenMs: number;
}

/** Map key of a public key: its bytes as a string (MACs use macKey). */
export function bytesKey(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Map key of a community field: the bytes up to the first NUL (supernode lookups, §2.1.1). */
export function communityKey(field: Uint8Array): string {
  const end = field.indexOf(0);
  return String.fromCharCode(...field.subarray(0, end < 0 ? field.length : end));
}

/** The field with everything after the name zeroed: Kith always sends clean fields (§1.3). */
export function cleanCommunityField(field: Uint8Array): Uint8Array {
  const clean = new Uint8Array(field.length);
  const end = field.indexOf(0);
  clean.set(field.subarray(0, end < 0 ? field.length : end));
  return clean;
}

export interface CommunitySettings {
  /** The 20-byte field, NUL padded. */
  readonly field: Uint8Array;
  readonly isFederation: boolean;
  /** False for listed communities and the federation. */
  readonly purgeable: boolean;
  readonly headerEncryption: HeaderEncryptionState;
  readonly subnet: Subnet;
  readonly users: readonly CommunityUser[];
}

export class Community {
  readonly key: string;
  readonly name: string;
  readonly field: Uint8Array;
  readonly isFederation: boolean;
  readonly purgeable: boolean;
  readonly subnet: Subnet;
  readonly edges = new Map<number, EdgeRecord>();
  readonly associations = new Map<number, Association>();
  private state: HeaderEncryptionState;
  private readonly staticPair: HeaderKeys | undefined;
  private dynamicPair: HeaderKeys | undefined;
  private currentDynamicKey: Uint8Array | undefined;
  private readonly users = new Map<string, CommunityUser>();

  constructor(settings: CommunitySettings) {
    this.field = settings.field;
    this.key = communityKey(settings.field);
    this.name = communityName(settings.field);
    this.isFederation = settings.isFederation;
    this.purgeable = settings.purgeable;
    this.subnet = settings.subnet;
    for (const user of settings.users) this.users.set(bytesKey(user.publicKey), user);
    // §6.5: communities with users (and the federation) are enabled from the start.
    this.state = settings.users.length > 0 ? 'enabled' : settings.headerEncryption;
    this.staticPair = this.state === 'none' ? undefined : staticHeaderKeys(settings.field);
  }

  get headerEncryption(): HeaderEncryptionState {
    return this.state;
  }

  get encrypted(): boolean {
    return this.state === 'enabled';
  }

  get hasUsers(): boolean {
    return this.users.size > 0;
  }

  /** §6.5: the first valid packet of a listed community fixes its state. */
  lockHeaderEncryption(state: 'enabled' | 'none'): void {
    if (this.state === 'unknown') this.state = state;
  }

  /** Key pair of kind for a community whose state is not 'none'. */
  keys(kind: KeyKind): HeaderKeys | undefined {
    if (this.state === 'none') return undefined;
    return kind === 'dynamic' ? (this.dynamicPair ?? this.staticPair) : this.staticPair;
  }

  /** §7.3.5: only communities with users have a dynamic key of their own. */
  get dynamicKey(): Uint8Array | undefined {
    return this.currentDynamicKey;
  }

  setDynamicKey(key: Uint8Array): void {
    if (!this.hasUsers) return;
    this.currentDynamicKey = key;
    this.dynamicPair = dynamicHeaderKeys(key);
  }

  user(publicKey: Uint8Array): CommunityUser | undefined {
    return this.users.get(bytesKey(publicKey));
  }

  userCount(): number {
    return this.users.size;
  }

  edge(mac: Mac): EdgeRecord | undefined {
    return this.edges.get(macKey(mac));
  }
}
