// Who may use a network hosted on this computer (issue 12 item 5): this computer's own user and one
// user per invite, kept as `<profile>.users` (JSON, 0600) beside the profile, and written out as the
// supernode's community file (CONFIG.md §8: the community, then `* <user> <public key>` lines). The
// host keeps public keys only; an invite's password leaves this computer in the link and nowhere
// else. An invite user that nobody used before it expired is left out of the community file; the
// first device that registers with one claims it by its MAC, so the invite works once.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeAsciiKey } from '../crypto/ascii-key.js';
import { edgePrivateKey, publicKeyOf } from '../crypto/user-password.js';
import { err, ok, type Result } from '../../shared/result.js';
import { INVITE_USER, type InviteAccess } from './invite-access.js';
import type { ProfileError, ProfileStore } from './profile-store.js';

export const INVITE_LIFETIME_SECONDS = 7 * 86_400;
/** A host keeps at most this many invite users per network: the community file stays small. */
const MAX_GUESTS = 256;

export interface Guest {
  readonly name: string;
  readonly publicKey: string;
  /** Seconds since the epoch. */
  readonly expires: number;
  /** The MAC of the device that used the invite, once one has. */
  readonly mac?: string;
}

/** `kith.devices`: the devices invited into the network hosted here. */
export interface InvitedDevice {
  readonly name: string;
  readonly state: 'joined' | 'waiting' | 'expired';
  /** ISO date of the invite's expiry. */
  readonly expires: string;
  /** ISO time since which the device has been registered with the supernode here; absent while it is not. */
  readonly registeredSince?: string;
}

export function userPublicKey(user: string, password: string): string {
  const key = publicKeyOf(edgePrivateKey(user, password));
  if (!key.ok) throw new Error('x25519 refused a clamped private key'); // cannot happen: every 32-byte key is usable
  return encodeAsciiKey(key.value);
}

const isGuest = (value: unknown): value is Guest => {
  if (typeof value !== 'object' || value === null) return false;
  const guest = value as Record<string, unknown>;
  return (
    typeof guest['name'] === 'string' &&
    INVITE_USER.test(guest['name']) &&
    typeof guest['publicKey'] === 'string' &&
    /^[A-Za-z0-9+-]{43}$/.test(guest['publicKey']) &&
    typeof guest['expires'] === 'number' &&
    (guest['mac'] === undefined || (typeof guest['mac'] === 'string' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(guest['mac'])))
  );
};

export class HostedUsers {
  private guests: Guest[];
  private saving: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: ProfileStore,
    private readonly profile: string,
    guests: Guest[],
  ) {
    this.guests = guests;
  }

  /** The profile's invite users; a missing or damaged file counts as none (entries that do not parse are dropped). */
  static load(store: ProfileStore, profile: string): HostedUsers {
    let guests: Guest[] = [];
    const path = store.companionPath(profile, 'users');
    try {
      const parsed = path.ok ? (JSON.parse(readFileSync(path.value, 'utf8')) as unknown) : [];
      guests = Array.isArray(parsed) ? parsed.filter(isGuest).slice(0, MAX_GUESTS) : [];
    } catch {
      guests = [];
    }
    return new HostedUsers(store, profile, guests);
  }

  /** The community file: the community, this computer's user and every invite user still valid. */
  communityFile(community: string, host: { readonly name: string; readonly password: string }, nowSeconds: number): string {
    const users = [{ name: host.name, publicKey: userPublicKey(host.name, host.password) }, ...this.guests.filter((guest) => guest.mac !== undefined || guest.expires > nowSeconds)];
    return [community, ...users.map((user) => `* ${user.name} ${user.publicKey}`), ''].join('\n');
  }

  /** A new invite user named after `wanted` (made unique), valid for seven days. */
  async invite(wanted: string, taken: readonly string[], nowSeconds: number): Promise<Result<InviteAccess, ProfileError>> {
    const live = this.guests.filter((guest) => guest.mac !== undefined || guest.expires > nowSeconds);
    if (live.length >= MAX_GUESTS) return err('unwritable', `this network already has ${MAX_GUESTS} invited devices`);
    const base = (wanted.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'device').slice(0, 12);
    const names = new Set([...taken, ...live.map((guest) => guest.name)]);
    let user = base;
    for (let n = 2; names.has(user); n++) user = `${base.slice(0, 12)}-${n}`.slice(0, 15);
    const password = randomBytes(18).toString('base64url');
    const expires = nowSeconds + INVITE_LIFETIME_SECONDS;
    this.guests = [...live, { name: user, publicKey: userPublicKey(user, password), expires }];
    const saved = await this.save();
    return saved.ok ? ok({ user, password, expires }) : saved;
  }

  /**
   * Whether the device with `mac` may register as `user` (the supernode asks while it handles the
   * registration, so this answers at once): the first one claims an unused, unexpired invite, which
   * is then saved; later only that device is let in.
   */
  claim(user: string, mac: string, nowSeconds: number): boolean {
    const guest = this.guests.find((candidate) => candidate.name === user);
    if (guest === undefined) return true; // this computer's own user
    if (guest.mac !== undefined) return guest.mac === mac;
    if (guest.expires <= nowSeconds) return false;
    this.guests = this.guests.map((candidate) => (candidate === guest ? { ...guest, mac } : candidate));
    this.saving = this.save();
    return true;
  }

  /** Resolves once the last claim is on disk. */
  async saved(): Promise<void> {
    await this.saving;
  }

  /** Takes a device's access away: its user leaves the community file. False when there is none. */
  async remove(user: string): Promise<boolean> {
    const before = this.guests.length;
    this.guests = this.guests.filter((guest) => guest.name !== user);
    if (this.guests.length === before) return false;
    return (await this.save()).ok;
  }

  /** registered: the supernode's registrations by user name, since when (ms since the epoch). */
  devices(nowSeconds: number, registered: ReadonlyMap<string, number> = new Map()): InvitedDevice[] {
    return this.guests.map((guest) => {
      const since = registered.get(guest.name);
      return {
        name: guest.name,
        state: guest.mac !== undefined ? 'joined' : guest.expires > nowSeconds ? 'waiting' : 'expired',
        expires: new Date(guest.expires * 1000).toISOString(),
        ...(since === undefined ? {} : { registeredSince: new Date(since).toISOString() }),
      };
    });
  }

  /** The soonest expiry of an unused invite, when one is pending: the community file changes then. */
  nextExpiry(nowSeconds: number): number | undefined {
    const pending = this.guests.filter((guest) => guest.mac === undefined && guest.expires > nowSeconds).map((guest) => guest.expires);
    return pending.length === 0 ? undefined : Math.min(...pending);
  }

  private save(): Promise<Result<string, ProfileError>> {
    return this.store.saveCompanion(this.profile, 'users', `${JSON.stringify(this.guests, null, 1)}\n`);
  }
}
