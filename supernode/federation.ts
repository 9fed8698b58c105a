// The federation's member list (PROTOCOL.md §9.8): configured peers (`supernode.peer`, never
// purged, resolved with DNS) and supernodes learned from registrations and supernode lists.
import { isIP } from 'node:net';
import { isNullMac, macEquals, socketEquals, socketFromAddress } from '../engine/protocol/index.js';
import type { Mac, Socket, SupernodeEntry } from '../engine/protocol/index.js';
import type { TimeStampVerifier, SenderStampRecord } from '../engine/crypto/timestamp.js';
import type { HostPort } from '../shared/config/values.js';
import { resolveHost } from '../engine/resolve-host.js';
import type { FamilyPreference } from '../engine/resolve-host.js';

/** §10.2 LAST_SEEN_SN_ACTIVE / _NEW / _INACTIVE. */
export const MEMBER_REREGISTER_AFTER_MS = 20_000;
export const MEMBER_NEW_MS = 60_000;
export const MEMBER_INACTIVE_MS = 90_000;

export interface FederationMember {
  /** The `supernode.peer` entry this member comes from; undefined for learned members. */
  readonly configured: HostPort | undefined;
  /** undefined while a configured host name is not resolved. */
  socket: Socket | undefined;
  mac: Mac | undefined;
  readonly createdMs: number;
  /** 0 = never heard from. */
  lastSeenMs: number;
  /** Cookie of our last REGISTER_SUPER to it; its ACK must echo it (§9.3.9). */
  lastCookie: number | undefined;
  readonly stamp: SenderStampRecord;
}

export class Federation {
  private readonly list: FederationMember[] = [];

  constructor(
    peers: readonly HostPort[],
    private readonly verifier: TimeStampVerifier,
    private readonly maxMembers: number,
    nowMs: number,
  ) {
    for (const peer of peers) {
      const literal = isIP(peer.host) === 0 ? undefined : socketFromAddress(peer.host, peer.port);
      this.list.push(this.newMember(peer, literal, undefined, nowMs, 0));
    }
  }

  members(): readonly FederationMember[] {
    return this.list;
  }

  bySocket(socket: Socket): FederationMember | undefined {
    return this.list.find((member) => member.socket !== undefined && socketEquals(member.socket, socket));
  }

  byMac(mac: Mac): FederationMember | undefined {
    if (isNullMac(mac)) return undefined;
    return this.list.find((member) => member.mac !== undefined && macEquals(member.mac, mac));
  }

  /** §9.3.1 step 7: a supernode registered with us; found by MAC, else socket, else added. */
  registered(mac: Mac, socket: Socket, nowMs: number): FederationMember | undefined {
    const member = this.byMac(mac) ?? this.bySocket(socket) ?? this.add(undefined, socket, mac, nowMs, nowMs);
    if (member === undefined) return undefined;
    member.mac = mac;
    member.lastSeenMs = nowMs;
    return member;
  }

  /** §9.3.9: supernodes from an ACK's list that are new to us start 60 s old (contacted next round). */
  learn(entries: readonly SupernodeEntry[], ownMac: Mac, nowMs: number): void {
    for (const entry of entries) {
      if (macEquals(entry.mac, ownMac)) continue;
      if (this.byMac(entry.mac) !== undefined || this.bySocket(entry.socket) !== undefined) continue;
      this.add(undefined, entry.socket, isNullMac(entry.mac) ? undefined : entry.mac, nowMs, nowMs - MEMBER_NEW_MS);
    }
  }

  /** §9.4: members that get broadcasts and forwarded traffic (seen within 90 s). */
  active(nowMs: number): FederationMember[] {
    return this.list.filter((member) => member.socket !== undefined && member.lastSeenMs > 0 && nowMs - member.lastSeenMs < MEMBER_INACTIVE_MS);
  }

  /** §9.8.2: members not heard from for more than 20 s (or never). */
  dueForRegistration(nowMs: number): FederationMember[] {
    return this.list.filter((member) => member.socket !== undefined && (member.lastSeenMs === 0 || nowMs - member.lastSeenMs > MEMBER_REREGISTER_AFTER_MS));
  }

  /** §9.7: learned members not seen for 90 s go; configured peers stay. */
  purge(nowMs: number): void {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const member = this.list[i]!;
      if (member.configured === undefined && nowMs - member.lastSeenMs >= MEMBER_INACTIVE_MS) this.list.splice(i, 1);
    }
  }

  /** Resolves configured host names that have no address yet (family 4 for an IPv4-only socket). */
  async resolve(family: FamilyPreference): Promise<void> {
    await Promise.all(
      this.list.map(async (member) => {
        if (member.socket !== undefined || member.configured === undefined) return;
        const { host, port } = member.configured;
        // Unresolved members are skipped until the next round retries (§9.3.1 step 8).
        const found = await resolveHost(host, port, family);
        if (found.ok) member.socket = found.value[0];
      }),
    );
  }

  private add(configured: HostPort | undefined, socket: Socket, mac: Mac | undefined, createdMs: number, lastSeenMs: number): FederationMember | undefined {
    if (this.list.length >= this.maxMembers) return undefined;
    const member = this.newMember(configured, socket, mac, createdMs, lastSeenMs);
    this.list.push(member);
    return member;
  }

  private newMember(configured: HostPort | undefined, socket: Socket | undefined, mac: Mac | undefined, createdMs: number, lastSeenMs: number): FederationMember {
    return { configured, socket, mac, createdMs, lastSeenMs, lastCookie: undefined, stamp: this.verifier.newRecord() };
  }
}
