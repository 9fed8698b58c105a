// One community as the supernode keeps it (PROTOCOL.md §9.1): header-encryption state and keys
// (§6.5), user/password users (§7.3), registered edges, associations with other supernodes, and
// the auto-IP subnet (§9.6.1).
import { AuthScheme, communityName, macKey } from '../engine/protocol/index.js';
import type { Auth, IpSubnet, Mac, Socket } from '../engine/protocol/index.js';
import { AUTH_TOKEN_SIZE } from '../engine/crypto/user-password.js';
import { dynamicHeaderKeys, staticHeaderKeys } from '../engine/crypto/header-encryption.js';
import type { HeaderKeys } from '../engine/crypto/header-encryption.js';
import type { SenderStampRecord } from '../engine/crypto/timestamp.js';
import type { KeyKind } from '../engine/protocol/envelope.js';
import type { SpeckKeySchedule } from '../engine/crypto/speck.js';
import { ipv4ToNumber } from './auto-ip.js';
import type { Subnet } from './auto-ip.js';
import type { Route } from './route.js';

export type HeaderEncryptionState = 'unknown' | 'enabled' | 'none';

export interface CommunityUser {
  readonly name: string;
  readonly publicKey: Uint8Array;
  /** Shared secret with the federation key (§7.3.1). */
  readonly secret: Uint8Array;
  /** Token cipher E/D keyed with secret[0..16). */
  readonly cipher: SpeckKeySchedule;
}

/**
 * A registered edge. The fields the community indexes (mac, route, devAddr) change only through
 * CommunityTable, which replaces the record.
 */
export interface EdgeRecord {
  readonly mac: Mac;
  readonly route: Route;
  /** The address the edge reported (§9.6.2: not the one assigned); 0.0.0.0 = none. */
  readonly devAddr: IpSubnet;
  readonly description: string;
  /** Advertised LAN socket (SOCKET flag of its REGISTER_SUPER). */
  readonly preferredSocket: Socket | undefined;
  /** Stored with the first registration (§7.2); scheme 0 accepts any token. */
  readonly auth: Auth;
  lastCookie: number;
  readonly createdMs: number;
  lastSeenMs: number;
  /** The last time stamp accepted from it; none until it sends a header-encrypted message (§6.4). */
  stamp: SenderStampRecord | undefined;
  /**
   * The edge's address has answered: something came from its route after the ACK went there (a
   * TCP connection is proven by its handshake). Only then is it sent broadcasts (issue 9 item 6).
   */
  confirmed: boolean;
}

/** What a registration from a new socket changes (§9.3.1 step 9, known edge). */
export type EdgeMove = Pick<EdgeRecord, 'route' | 'devAddr' | 'description' | 'preferredSocket'>;

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

const PUBLIC_KEY_SIZE = 32;

/** The user whose public key opens a scheme-2 token (§7.3.2), if listed in community. */
export function userOf(community: Community, auth: Auth): CommunityUser | undefined {
  if (auth.scheme !== AuthScheme.UserPassword || auth.token.length !== AUTH_TOKEN_SIZE) return undefined;
  return community.user(auth.token.subarray(0, PUBLIC_KEY_SIZE));
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
  /** By MAC (macKey); with the two indexes below kept by CommunityTable. */
  readonly edges = new Map<number, EdgeRecord>();
  readonly associations = new Map<number, Association>();
  /** Set once the supernode relayed something between its members (it is no longer evictable). */
  carriedTraffic = false;
  // By reported IPv4 address: the edge, or a set when several report the same one (0.0.0.0 included).
  private readonly byAddress = new Map<number, EdgeRecord | Set<EdgeRecord>>();
  // Edges per source address (route.socket.address).
  private readonly perSource = new Map<string, number>();
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
    this.setUsers(settings.users);
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

  /**
   * A reloaded community file's users for a community that had users before and still has (the
   * header-encryption state and keys depend on having users at all, not on which).
   */
  setUsers(users: readonly CommunityUser[]): void {
    this.users.clear();
    for (const user of users) this.users.set(bytesKey(user.publicKey), user);
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

  /** An edge that reported this IPv4 address (n3n's MAC-change detection, §9.3.1 step 9). */
  edgeWithAddress(address: number): EdgeRecord | undefined {
    const holders = this.byAddress.get(address);
    return holders instanceof Set ? holders.values().next().value : holders;
  }

  addressInUse(address: number): boolean {
    return this.byAddress.has(address);
  }

  /** How many edges registered from this source address. */
  edgesFrom(address: string): number {
    return this.perSource.get(address) ?? 0;
  }

  /** Adds a record to the maps; CommunityTable calls it and keeps the totals. */
  index(edge: EdgeRecord): void {
    this.edges.set(macKey(edge.mac), edge);
    const address = ipv4ToNumber(edge.devAddr.address);
    const holders = this.byAddress.get(address);
    if (holders === undefined) this.byAddress.set(address, edge);
    else if (holders instanceof Set) holders.add(edge);
    else this.byAddress.set(address, new Set([holders, edge]));
    const source = edge.route.socket.address;
    this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1);
  }

  /** Removes a record from the maps; false when it was not there. */
  unindex(edge: EdgeRecord): boolean {
    const key = macKey(edge.mac);
    if (this.edges.get(key) !== edge) return false;
    this.edges.delete(key);
    const address = ipv4ToNumber(edge.devAddr.address);
    const holders = this.byAddress.get(address);
    if (holders === edge) this.byAddress.delete(address);
    else if (holders instanceof Set) {
      holders.delete(edge);
      if (holders.size === 1) this.byAddress.set(address, holders.values().next().value!);
    }
    const source = edge.route.socket.address;
    const count = (this.perSource.get(source) ?? 1) - 1;
    if (count > 0) this.perSource.set(source, count);
    else this.perSource.delete(source);
    return true;
  }
}
