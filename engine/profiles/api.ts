// The desktop's one door to the engine (DESIGN.md "one method table, two transports, one typed
// client"): the table and topics of an edge run from a profile (the edge's own plus the profile
// methods), and the data shapes of the `kith.*` methods the window needs beyond kithctl's. Types
// only, so the renderer may import this file.
import type { EdgeMethods } from '../edge/api/management.js';
import type { PayloadsOf, ServedMethods } from '../mgmt/index.js';
import type { OptionName } from '../../shared/config/schema.js';
import type { NetworkSettings } from '../../shared/config/settings-form.js';
import type { DESKTOP_TOPICS, ProfileMethods } from './profile-methods.js';
import type { HelpMethods } from '../help/help-methods.js';

export type { KithStatus } from '../edge/api/management.js';
export type { EdgeState, PeerPath, PeerView, SupernodeView } from '../edge/api/views.js';
export type { InvitedDevice } from './hosted-users.js';

/** What kith-edge and the desktop serve: the edge's methods, the profile methods and the help methods, one table. */
export type DesktopApi = ServedMethods<EdgeMethods & ProfileMethods & HelpMethods>;
export type DesktopTopics = typeof DESKTOP_TOPICS;
export type DesktopEventPayloads = PayloadsOf<DesktopTopics>;

/** The network settings the window edits: the schema options that carry a form (shared/config/settings-form.ts). */
export type { NetworkSettings, SettingsField } from '../../shared/config/settings-form.js';

/** A refused setting: the option (n3n's name) and, in plain words, what is allowed; no option = the settings as a whole. */
export interface SettingsProblem {
  readonly option?: OptionName;
  readonly message: string;
}

/** `kith.settings.get`: the active network (profile) and where it is stored. */
export interface SettingsView {
  /** The profile (session) name, e.g. "home". */
  readonly profile: string;
  /** The INI file the settings persist to, when there is one. */
  readonly file?: string;
  readonly settings: NetworkSettings;
}

/** `kith.settings.set`: saved and applied, or refused with a message per option. */
export type SettingsSetResult = { readonly ok: true; readonly view: SettingsView } | { readonly ok: false; readonly errors: readonly SettingsProblem[] };

/** `kith.profiles`: the networks this computer knows, for the tray menu and the window. */
export interface ProfileSummary {
  readonly name: string;
  readonly community: string;
  readonly active: boolean;
  /** Its supernode runs on this computer: leaving it ends the network for the devices invited into it. */
  readonly hosted: boolean;
}

/** `kith.invite.create`: everything needed to join, as a kith://join link. */
export interface Invite {
  readonly link: string;
  readonly community: string;
  /** For a network hosted here: the name the invited device will join with (its own user). */
  readonly device?: string;
  /** For a network hosted here: ISO date after which an unused invite no longer works. */
  readonly expires?: string;
}

/** What joining with an invite does, in words for its confirmation; never the key (invite-link.ts inviteSummary). */
export interface InviteSummary {
  /** The community name, with hidden characters (bidi overrides, controls) shown as [U+XXXX]. */
  readonly community: string;
  readonly supernodes: string;
  /** The address this computer will use in the network. */
  readonly address: string;
  readonly encryption: string;
  /** For an invite with its own login: the name this computer joins with, and that it works once, until when. */
  readonly access?: string;
}

/** `kith.invite.describe`: what importing the link would do, or why it cannot be used; changes nothing. */
export type InviteDescription = { readonly ok: true; readonly summary: InviteSummary } | { readonly ok: false; readonly message: string };

/** `kith.invite.import`: the profile the link became (now active and connecting), or why not. */
export type InviteImportResult = { readonly ok: true; readonly profile: string } | { readonly ok: false; readonly message: string };

/**
 * `kith.reachability`: where the active network can be reached from, for the Invite screen before
 * an invite is made (reachability.ts words it).
 */
export interface Reachability {
  /**
   * anywhere: the router forwards the hosted supernode's port, or a public supernode is configured;
   * ipv6: the router lets IPv6 in to it but forwards no IPv4 port, and no public supernode carries
   * IPv4-only homes; this-home: only computers in this home can reach it; checking: the router is
   * being asked; elsewhere: the network is hosted by another computer (nothing to map here).
   */
  readonly scope: 'anywhere' | 'ipv6' | 'this-home' | 'checking' | 'elsewhere';
  /** One plain sentence for the Invite screen. */
  readonly message: string;
  /** What the person can do about "this-home", when anything. */
  readonly advice?: string;
  /** The hosted supernode's port on this computer. */
  readonly port?: number;
  /** How the router was asked: pcp, natpmp, upnp-igd1 or upnp-igd2. */
  readonly method?: string;
  /** address:port the router forwards to this computer's supernode. */
  readonly publicAddress?: string;
  /** [v6]:port of this computer's supernode, which the router's IPv6 firewall lets in. */
  readonly publicAddress6?: string;
  /** How the router's IPv6 firewall was asked: pcp or upnp-igd2. */
  readonly method6?: string;
  /** address:port of this computer in its home network. */
  readonly lanAddress?: string;
  /** Why the router gives no usable IPv4 mapping (types.ts MapFailureReason). */
  readonly problem?: string;
  /** Why the router lets no IPv6 in (types.ts MapFailureReason). */
  readonly problem6?: string;
  /** The edge's own UDP port as mapped on the router (or its IPv6 pinhole) and advertised to peers, address:port. */
  readonly edgeMapped?: string;
}

/** `kith.log`: recent log lines, newest last; never contains keys or passwords. */
export interface LogLine {
  /** ms since the epoch */
  readonly time: number;
  readonly level: 'error' | 'warn' | 'normal' | 'info' | 'debug';
  readonly text: string;
}

/** `kith.ping`: the OS's ping run against a peer's VPN address. */
export interface PingResult {
  readonly ok: boolean;
  /** ping's own output lines */
  readonly output: readonly string[];
}
