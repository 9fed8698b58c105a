// The supernode's community table (PROTOCOL.md §9.1, §9.5, §9.7): admission of new names, the
// community list file, edges and associations with Kith's size bounds, and purging. Every change
// to an edge record goes through here, so the indexes (by MAC, reported address, source address
// and TCP connection) stay exact and no registration has to scan a table (issue 9 item 7).
import { COMMUNITY_FIELD_SIZE, communityName, isNullMac, macKey } from '../engine/protocol/index.js';
import { federationPrivateKey, sharedSecret, tokenCipher } from '../engine/crypto/user-password.js';
import { communityField, dynamicKey } from '../engine/crypto/dynamic-key.js';
import type { Mac, Socket } from '../engine/protocol/index.js';
import { chooseCommunitySubnet } from './auto-ip.js';
import type { Subnet } from './auto-ip.js';
import { cleanCommunityField, Community, communityKey, userOf } from './community.js';
import type { CommunityUser, EdgeMove, EdgeRecord } from './community.js';
import type { CommunityList } from './community-file.js';
import type { EdgeRemovalReason } from './events.js';
import type { TcpConnection } from './route.js';

export interface CommunityLimits {
  readonly maxCommunities: number;
  readonly maxEdges: number;
  readonly maxAssociations: number;
}

export interface AutoIpRange {
  readonly min: Subnet;
  readonly max: Subnet;
}

export interface CommunityTableHooks {
  edgeAdded(community: Community, edge: EdgeRecord): void;
  edgeRemoved(community: Community, edge: EdgeRecord, reason: EdgeRemovalReason): void;
  communityAdded(community: Community): void;
  communityRemoved(community: Community): void;
}

/** A fixed name of the community file, its users' keys worked out. */
interface Listed {
  readonly field: Uint8Array;
  readonly users: readonly CommunityUser[];
  readonly subnet: Subnet | undefined;
}

/**
 * Whether a community in the table can stay as the reloaded file lists it: still listed (not only
 * admitted by a pattern), with users as before or without as before (that fixes its header
 * encryption), and in the subnet the file names, if it names one.
 */
function keeps(community: Community, listed: Listed): boolean {
  if (community.purgeable || community.hasUsers !== listed.users.length > 0) return false;
  return listed.subnet === undefined || (listed.subnet.network === community.subnet.network && listed.subnet.prefix === community.subnet.prefix);
}

/** §10.2 REGISTRATION_TIMEOUT and the association expiry (3 × 60 s). */
export const EDGE_TIMEOUT_MS = 60_000;
export const ASSOCIATION_TIMEOUT_MS = 180_000;

function sameField(bytes: Uint8Array, offset: number, field: Uint8Array): boolean {
  if (bytes.length < offset + COMMUNITY_FIELD_SIZE) return false;
  for (let i = 0; i < COMMUNITY_FIELD_SIZE; i++) if (bytes[offset + i] !== field[i]) return false;
  return true;
}

export type Admission = Community | 'community-not-admitted' | 'table-full' | 'rate-limited';

export class CommunityTable {
  private readonly byKey = new Map<string, Community>();
  // Communities whose header-encryption state is not 'none': the keys tried on encrypted datagrams.
  private readonly keyed = new Set<Community>();
  // Purgeable communities that never carried traffic, oldest first: the ones a full table evicts.
  private readonly idle = new Set<Community>();
  private readonly byConnection = new Map<TcpConnection, Map<EdgeRecord, Community>>();
  private patterns: readonly RegExp[] = [];
  private locked = false;
  private edgeTotal = 0;
  private associationTotal = 0;
  // The last community found by get() and the exact field bytes that named it: datagrams of one
  // community in a row cost no key string (cleared whenever a community comes or goes).
  private readonly lastField = new Uint8Array(COMMUNITY_FIELD_SIZE);
  private lastFound: Community | undefined;

  /** federationKeyed false: the federation community decrypts nothing (no federation configured). */
  constructor(
    readonly federation: Community,
    federationKeyed: boolean,
    private readonly autoIp: AutoIpRange,
    private readonly limits: CommunityLimits,
    private readonly hooks: CommunityTableHooks,
  ) {
    this.insert(federation);
    if (!federationKeyed) this.keyed.delete(federation);
  }

  /** The community named by the field at bytes[offset..offset + 20) (or the whole of bytes). */
  get(bytes: Uint8Array, offset = 0): Community | undefined {
    const last = this.lastFound;
    if (last !== undefined && sameField(bytes, offset, this.lastField)) return last;
    const field = offset === 0 && bytes.length <= COMMUNITY_FIELD_SIZE ? bytes : bytes.subarray(offset, offset + COMMUNITY_FIELD_SIZE);
    const found = this.byKey.get(communityKey(field));
    if (found !== undefined && field.length === COMMUNITY_FIELD_SIZE) {
      this.lastField.set(field);
      this.lastFound = found;
    }
    return found;
  }

  all(): IterableIterator<Community> {
    return this.byKey.values();
  }

  /** Communities whose keys are tried on a header-encrypted datagram (§9.2 step 2). */
  withKeys(): ReadonlySet<Community> {
    return this.keyed;
  }

  lockHeaderEncryption(community: Community, state: 'enabled' | 'none'): void {
    community.lockHeaderEncryption(state);
    if (community.headerEncryption === 'none') this.keyed.delete(community);
  }

  /** §9.3.6 step 1 / §9.3.1 step 2: may a community of this name exist here? */
  admissible(field: Uint8Array): boolean {
    const key = communityKey(field);
    // Names starting with '*' are reserved for the federation (§2.1.1).
    if (key.startsWith('*')) return false;
    if (!this.locked) return true;
    const name = communityName(field);
    return this.patterns.some((pattern) => pattern.test(name));
  }

  /**
   * §9.3.1 step 2: an existing community, or a new purgeable one without header encryption.
   * mayCreate is asked only when a community would be created (the sender's creation budget); a
   * full table makes room by evicting the oldest community that never carried traffic.
   */
  admit(field: Uint8Array, mayCreate: () => boolean): Admission {
    const existing = this.get(field);
    if (existing !== undefined) return existing;
    if (!this.admissible(field)) return 'community-not-admitted';
    if (this.byKey.size > this.limits.maxCommunities && this.idle.size === 0) return 'table-full';
    if (!mayCreate()) return 'rate-limited';
    if (this.byKey.size > this.limits.maxCommunities) this.remove(this.idle.values().next().value!, 'evicted');
    const clean = cleanCommunityField(field);
    const community = new Community({
      field: clean,
      isFederation: false,
      purgeable: true,
      headerEncryption: 'none',
      subnet: this.chooseSubnet(clean),
      users: [],
    });
    this.insert(community);
    return community;
  }

  /**
   * §9.5: the listed communities and patterns replace the others and admission is locked to them.
   * Unlike n3n, which drops every edge, a community that stays keeps the edges still allowed in it:
   * a listed one with users keeps those of users still listed, one without users (listed, or
   * admitted by a pattern) keeps them all, so removing one user drops only that user's devices.
   * federationName is the name without '*'.
   */
  load(list: CommunityList, federationName: string): void {
    const federationKey = federationPrivateKey(federationName);
    const wanted = new Map<string, Listed>();
    for (const fixed of list.fixed) {
      const field = communityField(fixed.name);
      const key = communityKey(field);
      if (wanted.has(key) || key === this.federation.key) continue;
      const users = fixed.users.flatMap((user): CommunityUser[] => {
        const secret = sharedSecret(federationKey, user.publicKey);
        return secret.ok ? [{ name: user.name, publicKey: user.publicKey, secret: secret.value, cipher: tokenCipher(secret.value) }] : [];
      });
      wanted.set(key, { field, users, subnet: fixed.subnet });
    }
    this.patterns = list.patterns;
    this.locked = true;
    for (const community of [...this.byKey.values()]) {
      if (community.isFederation) continue;
      const listed = wanted.get(community.key);
      if (listed === undefined ? community.purgeable && this.admissible(community.field) : keeps(community, listed)) {
        wanted.delete(community.key);
        if (listed !== undefined) this.keepListedUsers(community, listed.users);
      } else {
        this.remove(community, 'reloaded');
      }
    }
    for (const { field, users, subnet } of wanted.values()) {
      this.insert(new Community({ field, isFederation: false, purgeable: false, headerEncryption: 'unknown', subnet: subnet ?? this.chooseSubnet(field), users }));
    }
  }

  /** §7.3.5: recomputes the dynamic key of every user/password community. */
  applyDynamicKeys(federationFieldForKeys: Uint8Array, keyTime: number): void {
    for (const community of this.byKey.values()) {
      if (community.hasUsers) community.setDynamicKey(dynamicKey(community.field, federationFieldForKeys, keyTime));
    }
  }

  addEdge(community: Community, edge: EdgeRecord): boolean {
    if (this.edgeTotal >= this.limits.maxEdges) return false;
    this.index(community, edge);
    this.edgeTotal++;
    this.hooks.edgeAdded(community, edge);
    return true;
  }

  removeEdge(community: Community, edge: EdgeRecord, reason: EdgeRemovalReason): void {
    if (!this.unindex(community, edge)) return;
    this.edgeTotal--;
    this.hooks.edgeRemoved(community, edge, reason);
  }

  /** §9.3.1 step 9: the record moves to the new MAC; the old key disappears. */
  rekeyEdge(community: Community, edge: EdgeRecord, newMac: Mac): EdgeRecord {
    return this.replace(community, edge, { ...edge, mac: newMac });
  }

  /**
   * A known edge advertises another preferred socket from the same route (its router mapped its
   * port after it registered): the record keeps its proven address and takes the new socket.
   */
  readvertise(community: Community, edge: EdgeRecord, preferredSocket: Socket | undefined): EdgeRecord {
    return this.replace(community, edge, { ...edge, preferredSocket });
  }

  /** §9.3.1 step 9: a known edge registers from another socket; the new address is unproven again. */
  moveEdge(community: Community, edge: EdgeRecord, move: EdgeMove): EdgeRecord {
    return this.replace(community, edge, { ...edge, ...move, confirmed: move.route.kind === 'tcp' });
  }

  /** The edges registered over a TCP connection, with their communities. */
  edgesOn(connection: TcpConnection): [Community, EdgeRecord][] {
    return [...(this.byConnection.get(connection) ?? [])].map(([edge, community]) => [community, edge]);
  }

  /** The community relayed something between its members: it is no longer evicted for room. */
  markTraffic(community: Community): void {
    community.carriedTraffic = true;
    this.idle.delete(community);
  }

  associate(community: Community, mac: Mac, supernode: Socket, nowMs: number): void {
    if (isNullMac(mac)) return;
    const existing = community.associations.get(macKey(mac));
    if (existing !== undefined) {
      existing.supernode = supernode;
      existing.lastSeenMs = nowMs;
      return;
    }
    if (this.associationTotal >= this.limits.maxAssociations) return;
    community.associations.set(macKey(mac), { mac, supernode, lastSeenMs: nowMs });
    this.associationTotal++;
  }

  /** §9.7: expired edges and associations, then purgeable communities left without edges. */
  purge(nowMs: number): void {
    for (const community of [...this.byKey.values()]) {
      for (const edge of [...community.edges.values()]) {
        if (nowMs - edge.lastSeenMs >= EDGE_TIMEOUT_MS) this.removeEdge(community, edge, 'purged');
      }
      for (const [key, association] of community.associations) {
        if (nowMs - association.lastSeenMs >= ASSOCIATION_TIMEOUT_MS) {
          community.associations.delete(key);
          this.associationTotal--;
        }
      }
      if (community.purgeable && community.edges.size === 0) this.remove(community, 'purged');
    }
  }

  /** A kept user/password community takes the file's users; edges of users no longer listed go. */
  private keepListedUsers(community: Community, users: readonly CommunityUser[]): void {
    if (!community.hasUsers) return;
    community.setUsers(users);
    for (const edge of [...community.edges.values()]) if (userOf(community, edge.auth) === undefined) this.removeEdge(community, edge, 'reloaded');
  }

  private insert(community: Community): void {
    this.byKey.set(community.key, community);
    this.lastFound = undefined;
    if (community.headerEncryption !== 'none') this.keyed.add(community);
    if (community.purgeable) this.idle.add(community);
    this.hooks.communityAdded(community);
  }

  private remove(community: Community, reason: EdgeRemovalReason): void {
    for (const edge of [...community.edges.values()]) this.removeEdge(community, edge, reason);
    this.associationTotal -= community.associations.size;
    community.associations.clear();
    this.byKey.delete(community.key);
    if (this.lastFound === community) this.lastFound = undefined;
    this.keyed.delete(community);
    this.idle.delete(community);
    this.hooks.communityRemoved(community);
  }

  private replace(community: Community, old: EdgeRecord, next: EdgeRecord): EdgeRecord {
    this.unindex(community, old);
    this.index(community, next);
    return next;
  }

  private index(community: Community, edge: EdgeRecord): void {
    community.index(edge);
    if (edge.route.kind !== 'tcp') return;
    const connection = edge.route.connection;
    let edges = this.byConnection.get(connection);
    if (edges === undefined) this.byConnection.set(connection, (edges = new Map<EdgeRecord, Community>()));
    edges.set(edge, community);
    connection.markRegistered();
  }

  private unindex(community: Community, edge: EdgeRecord): boolean {
    if (!community.unindex(edge)) return false;
    if (edge.route.kind === 'tcp') {
      const edges = this.byConnection.get(edge.route.connection);
      edges?.delete(edge);
      if (edges?.size === 0) this.byConnection.delete(edge.route.connection);
    }
    return true;
  }

  /** §9.6.1: a subnet that overlaps no other non-federation community's. */
  private chooseSubnet(field: Uint8Array): Subnet {
    const inUse: Subnet[] = [];
    for (const community of this.byKey.values()) if (!community.isFederation) inUse.push(community.subnet);
    return chooseCommunitySubnet(field, this.autoIp.min, this.autoIp.max, inUse);
  }
}
