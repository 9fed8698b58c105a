// What the `kith.*` settings, profile, invite, log and ping methods do, for kith-edge and the
// desktop alike: check settings with the schema, persist them to the profile file the edge runs
// from, and restart the edge session with them. Announces each change (without secrets) so every
// window can re-read the settings.
import { EventEmitter } from 'node:events';
import { isIPv4 } from 'node:net';
import type { EdgeSession } from '../edge/api/edge-session.js';
import type { Logger } from '../log.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { KithConfig } from '../../shared/config/schema.js';
import type { Invite, InviteDescription, InviteImportResult, LogLine, NetworkSettings, PingResult, ProfileSummary, Reachability, SettingsSetResult, SettingsView } from './api.js';
import { decodeInvite, encodeInvite, inviteSummary } from './invite-link.js';
import type { LogRing } from './log-ring.js';
import { checkSettings, configWith, settingsOf } from './network-settings.js';
import { runPing } from './ping.js';
import { hostedElsewhere } from './reachability.js';
import type { InvitedDevice } from './hosted-users.js';
import type { InviteAccess } from './invite-access.js';
import { HOSTED_SUPERNODE_HOST, newHostedNetwork } from './new-network.js';
import { isValidProfileName, profileNameFor, type ProfileChangeError, type ProfileStore } from './profile-store.js';

/** The `kith.settings` event: which profile changed; the settings themselves hold the key. */
export interface SettingsChanged {
  readonly profile: string;
  readonly community: string;
}

export type SelectError = 'unknown-profile' | 'unusable';
export type ProfileChange = Result<ProfileSummary[], ProfileChangeError | 'unusable' | 'only-network'>;
export type PingError = 'not-a-peer';

export interface NetworkControllerOptions {
  readonly session: EdgeSession;
  readonly store: ProfileStore;
  /** The profile (session) the edge was started from. */
  readonly profile: string;
  readonly log: LogRing;
  readonly logger: Logger;
  /** The desktop remembers the chosen profile for its next start; kith-edge is told by its argv. */
  readonly rememberActive?: boolean;
  /** The desktop's hosting of networks (desktop/hosting.ts); kith-edge hosts nothing and maps nothing. */
  readonly hosting?: HostingHooks;
}

/** What the desktop's hosting does for the controller. */
export interface HostingHooks {
  /** What a profile's config becomes before the edge runs it. */
  prepare(profile: string, config: KithConfig): Promise<KithConfig>;
  /** Where the active network can be reached from. */
  reachability(): Reachability;
  /** Addresses and a login for an invite to the network hosted here; undefined when it is hosted elsewhere. */
  invite(wanted: string): Promise<Result<{ readonly supernodes: readonly string[]; readonly access: InviteAccess | undefined }, string> | undefined>;
  devices(): InvitedDevice[];
  removeDevice(name: string): Promise<boolean>;
}

const NETWORK_NAME_RULE = 'A network name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.';

export class NetworkController {
  readonly changes = new EventEmitter<{ changed: [SettingsChanged] }>();
  private profile: string;

  constructor(private readonly options: NetworkControllerOptions) {
    this.profile = options.profile;
  }

  get activeProfile(): string {
    return this.profile;
  }

  view(): SettingsView {
    const file = this.options.store.pathOf(this.profile);
    return { profile: this.profile, ...(file.ok ? { file: file.value } : {}), settings: settingsOf(this.options.session.config) };
  }

  async set(changes: Partial<NetworkSettings>): Promise<SettingsSetResult> {
    const { session, store, logger } = this.options;
    const checked = checkSettings(session.config, changes);
    if (!checked.ok) return checked;
    const saved = await store.save(this.profile, checked.settings);
    if (!saved.ok) return { ok: false, errors: [{ message: `The settings cannot be saved: ${saved.detail ?? saved.error}.` }] };
    const applied = await session.apply(await this.prepared(this.profile, configWith(session.config, checked.settings)));
    if (!applied.ok) return { ok: false, errors: [{ message: `Saved, but the edge cannot use them: ${applied.detail ?? applied.error}.` }] };
    logger.normal(`settings of profile ${this.profile} saved and applied`);
    this.announce();
    return { ok: true, view: this.view() };
  }

  async profiles(): Promise<ProfileSummary[]> {
    const files = await this.options.store.list();
    const summaries = files.map(({ name }) => {
      const loaded = this.options.store.load(name);
      const config = loaded.ok ? loaded.value : undefined;
      return { name, community: config?.community.name ?? '', active: name === this.profile, hosted: config !== undefined && hostedHere(config) };
    });
    // kith-edge may run from defaults alone, with no file yet.
    if (!summaries.some((summary) => summary.active))
      summaries.unshift({ name: this.profile, community: this.options.session.settings.communityName, active: true, hosted: hostedHere(this.options.session.config) });
    return summaries;
  }

  async select(name: string): Promise<Result<SettingsView, SelectError>> {
    const { session, store, logger } = this.options;
    if (!(await store.list()).some((profile) => profile.name === name)) return err('unknown-profile', `There is no profile named "${name}".`);
    const loaded = store.load(name);
    if (!loaded.ok) return err('unusable', loaded.detail);
    const applied = await session.apply(await this.prepared(name, loaded.value));
    if (!applied.ok) return err('unusable', applied.detail);
    this.profile = name;
    if (this.options.rememberActive === true) await store.rememberActive(name);
    logger.normal(`switched to profile ${name}`);
    this.announce();
    return ok(this.view());
  }

  /**
   * A new network hosted here, encrypted (new-network.ts), under the name the person gave it; this
   * computer keeps its name in it. It stays inactive until chosen: switching is the person's call.
   */
  async create(name: string): Promise<ProfileChange> {
    const { store } = this.options;
    if (!isValidProfileName(name)) return err('invalid-name', NETWORK_NAME_RULE);
    if ((await store.list()).some((profile) => profile.name === name)) return err('name-taken', `There is already a network named "${name}".`);
    const saved = await store.save(name, newHostedNetwork(settingsOf(this.options.session.config).description));
    if (!saved.ok) return saved;
    this.options.logger.normal(`network ${name} added`);
    this.announce();
    return ok(await this.profiles());
  }

  /** Another name for a network on this computer (its community, which its peers know, stays). */
  async rename(from: string, to: string): Promise<ProfileChange> {
    if (!isValidProfileName(to)) return err('invalid-name', NETWORK_NAME_RULE);
    const renamed = await this.options.store.rename(from, to);
    if (!renamed.ok) return renamed;
    if (from === this.profile) {
      this.profile = to;
      if (this.options.rememberActive === true) await this.options.store.rememberActive(to);
      // The hosting follows the profile's files: its supernode restarts with the moved ones.
      const applied = await this.reapply(to);
      if (!applied.ok) return applied;
    }
    this.options.logger.normal(`network ${from} renamed ${to}`);
    this.announce();
    return ok(await this.profiles());
  }

  /**
   * Leaves a network (deletes its profile, key and, for one hosted here, its invited devices). The
   * active one is left for another network first; the last one stays, so the edge has something to run.
   */
  async remove(name: string): Promise<ProfileChange> {
    const { store } = this.options;
    if (name === this.profile) {
      const other = (await store.list()).find((profile) => profile.name !== name);
      if (other === undefined) return err('only-network', 'This is the only network on this computer: add or join another one before leaving it.');
      const selected = await this.select(other.name);
      if (!selected.ok) return err('unusable', selected.detail);
    }
    const removed = await store.remove(name);
    if (!removed.ok) return removed;
    this.options.logger.normal(`network ${name} deleted`);
    this.announce();
    return ok(await this.profiles());
  }

  /**
   * A kith://join link for the active network. One hosted here names the addresses that can work
   * for the receiver and carries a login of its own for the device (`device` names it); otherwise
   * the network's own supernodes. This computer's own name (description) stays out of it.
   */
  async invite(device: string): Promise<Result<Invite, 'unusable'>> {
    const settings = settingsOf(this.options.session.config);
    const hosted = await this.options.hosting?.invite(device);
    if (hosted === undefined) return ok({ link: encodeInvite(settings), community: settings.community });
    if (!hosted.ok) return err('unusable', hosted.detail ?? hosted.error);
    const { supernodes, access } = hosted.value;
    const link = encodeInvite({ ...settings, supernodes, ...(access === undefined ? {} : { access }) });
    return ok({ link, community: settings.community, ...(access === undefined ? {} : { device: access.user, expires: new Date(access.expires * 1000).toISOString() }) });
  }

  /** The settings a link would give this computer, checked as any settings are, or why it cannot be used. */
  private settingsFromInvite(link: string): Result<{ settings: NetworkSettings; access: InviteAccess | undefined }, 'unusable'> {
    const decoded = decodeInvite(link);
    if (!decoded.ok) return err('unusable', decoded.detail ?? 'This invite link cannot be used.');
    const { access, ...contents } = decoded.value;
    // This computer keeps its own name, unless the invite gives it a login (whose user is the name).
    const config = structuredClone(this.options.session.config);
    config.auth.password = access?.password;
    const checked = checkSettings(config, { ...contents, description: access?.user ?? settingsOf(config).description });
    if (!checked.ok) return err('unusable', `The invite cannot be used: ${checked.errors.map((error) => error.message).join(' ')}`);
    return ok({ settings: checked.settings, access });
  }

  /** What importing the link would do, for the confirmation before it; changes nothing. */
  describeInvite(link: string): InviteDescription {
    const checked = this.settingsFromInvite(link);
    return checked.ok ? { ok: true, summary: inviteSummary({ ...checked.value.settings, ...(checked.value.access === undefined ? {} : { access: checked.value.access }) }) } : { ok: false, message: checked.detail ?? 'This invite link cannot be used.' };
  }

  /**
   * The link's network as a profile, made active and connecting: a new one named after its
   * community, or the one this computer already has for that community, updated.
   */
  async importInvite(link: string): Promise<InviteImportResult> {
    const checked = this.settingsFromInvite(link);
    if (!checked.ok) return { ok: false, message: checked.detail ?? 'This invite link cannot be used.' };
    const { settings, access } = checked.value;
    const { session, store } = this.options;
    const present = (await this.profiles()).find((profile) => profile.community === settings.community);
    const name = present?.name ?? (await store.unusedName(profileNameFor(settings.community)));
    const saved = await store.save(name, settings, [{ section: 'auth', option: 'password', values: access === undefined ? [] : [access.password] }]);
    if (!saved.ok) return { ok: false, message: `The new network cannot be saved: ${saved.detail ?? saved.error}.` };
    const selected = present?.active === true ? await this.reapply(name) : await this.select(name);
    if (!selected.ok) return { ok: false, message: `The new network was saved as "${name}" but cannot start: ${selected.detail ?? selected.error}.` };
    await session.connect();
    return { ok: true, profile: name };
  }

  reachability(): Reachability {
    return this.options.hosting?.reachability() ?? hostedElsewhere(settingsOf(this.options.session.config).supernodes, undefined);
  }

  devices(): InvitedDevice[] {
    return this.options.hosting?.devices() ?? [];
  }

  removeDevice(name: string): Promise<boolean> {
    return this.options.hosting?.removeDevice(name) ?? Promise.resolve(false);
  }

  private prepared(profile: string, config: KithConfig): Promise<KithConfig> {
    return this.options.hosting?.prepare(profile, config) ?? Promise.resolve(config);
  }

  /** The active profile's file read and run again (an invite updated it). */
  private async reapply(name: string): Promise<Result<SettingsView, SelectError>> {
    const loaded = this.options.store.load(name);
    if (!loaded.ok) return err('unusable', loaded.detail);
    const applied = await this.options.session.apply(await this.prepared(name, loaded.value));
    if (!applied.ok) return err('unusable', applied.detail);
    this.announce();
    return ok(this.view());
  }

  recentLog(): LogLine[] {
    return this.options.log.recent();
  }

  /** Pings only the VPN address of a peer the edge knows: no probing of arbitrary hosts. */
  async ping(address: string): Promise<Result<PingResult, PingError>> {
    const known = isIPv4(address) && this.options.session.peers().some((peer) => peer.devAddr?.address === address);
    if (!known) return err('not-a-peer', `${address} is not the VPN address of a known peer`);
    return ok(await runPing(address));
  }

  private announce(): void {
    this.changes.emit('changed', { profile: this.profile, community: this.options.session.settings.communityName });
  }
}

/** Whether the network meets at a supernode on this computer (the desktop hosts it). */
function hostedHere(config: KithConfig): boolean {
  return config.community.supernode.some(({ host }) => host === HOSTED_SUPERNODE_HOST);
}
