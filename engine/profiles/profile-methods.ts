// The `kith.*` methods of an edge run from a profile, beyond kithctl's (api.ts): settings, profiles,
// invites, the recent log and ping, and the `kith.settings` topic. kith-edge and the desktop add
// them to the edge's one method table (engine/edge/api/management.ts) as an extension. Every one of
// them reads a key or changes state, or runs a program, so all ask for the management password.
import { FORM_FIELDS, jsonTypeOf } from '../../shared/config/settings-form.js';
import { EDGE_TOPICS, type ManagedEdge } from '../edge/api/management.js';
import { STATS_TOPICS, statsExtension } from '../edge/api/stats-topic.js';
import { combineExtensions, defineMethod, RpcError, topic, type AnyManagementExtension, type ManagementExtension, type MethodTable } from '../mgmt/index.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Invite, InviteDescription, InviteImportResult, LogLine, NetworkSettings, PingResult, ProfileSummary, Reachability, SettingsSetResult, SettingsView } from './api.js';
import type { InvitedDevice } from './hosted-users.js';
import type { NetworkController, ProfileChange, SettingsChanged } from './network-controller.js';
import { HELP_TOPICS, helpExtension } from '../help/help-methods.js';
import { HelpService, type HelpEdge } from '../help/help-service.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `[{…some NetworkSettings fields…}]`: the JSON types are checked here, the values by the controller. */
export function parseSettingsParams(raw: unknown): Result<[Partial<NetworkSettings>], string> {
  if (!Array.isArray(raw) || raw.length !== 1 || !isRecord(raw[0])) return err('expecting [settings object]');
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw[0])) {
    const known = FORM_FIELDS.find((candidate) => candidate.field === field);
    const type = known === undefined ? undefined : jsonTypeOf(known.form.kind);
    if (type === undefined) return err(`unknown setting ${JSON.stringify(field).slice(0, 40)}`);
    const fits =
      type === 'strings' ? Array.isArray(value) && value.length <= 64 && value.every((item) => typeof item === 'string') : typeof value === type;
    if (!fits) return err(`setting ${field} must be ${type === 'strings' ? 'a list of strings' : `a ${type}`}`);
    changes[field] = value;
  }
  return ok([changes as Partial<NetworkSettings>]);
}

/** `[text]`, e.g. a profile name, an invite link or an address. */
function parseOneString(what: string) {
  return (raw: unknown): Result<[string], string> =>
    Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string' && raw[0].length <= 8192 ? ok([raw[0]]) : err(`expecting [${what}]`);
}

/** `[name, new name]`. */
function parseTwoStrings(raw: unknown): Result<[string, string], string> {
  return Array.isArray(raw) && raw.length === 2 && raw.every((item) => typeof item === 'string' && item.length <= 256) ? ok([raw[0] as string, raw[1] as string]) : err('expecting [name, new name]');
}

/** The networks after a change, or the change's refusal as an RPC error (404 for an unknown one). */
function changed(result: ProfileChange): ProfileSummary[] {
  if (result.ok) return result.value;
  throw new RpcError(result.error === 'unknown-profile' ? 404 : 409, result.detail ?? result.error);
}

/** `[]`, null or `[device name]`: the name the invited device joins with (default "device"). */
function parseInviteParams(raw: unknown): Result<[string], string> {
  if (raw === null || raw === undefined || (Array.isArray(raw) && raw.length === 0)) return ok(['device']);
  return Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string' && raw[0].length <= 64 ? ok([raw[0]]) : err('expecting [] or [device name of at most 64 characters]');
}

export function profileMethods(controller: NetworkController) {
  return {
    'kith.settings.get': defineMethod({
      description: 'Kith: the active network settings (includes the key)',
      needsAuth: true,
      handler: (): SettingsView => controller.view(),
    }),
    'kith.settings.set': defineMethod({
      description: 'Kith: check, save and apply network settings; params [settings]',
      needsAuth: true,
      parseParams: parseSettingsParams,
      handler: ([changes]): Promise<SettingsSetResult> => controller.set(changes),
    }),
    'kith.profiles': defineMethod({
      description: 'Kith: the networks (profiles) of this computer',
      needsAuth: true,
      handler: (): Promise<ProfileSummary[]> => controller.profiles(),
    }),
    'kith.profiles.select': defineMethod({
      description: 'Kith: switch to another profile; params [name]',
      needsAuth: true,
      parseParams: parseOneString('profile name'),
      handler: async ([name]): Promise<SettingsView> => {
        const selected = await controller.select(name);
        if (!selected.ok) throw new RpcError(selected.error === 'unknown-profile' ? 404 : 409, selected.detail ?? selected.error);
        return selected.value;
      },
    }),
    'kith.profiles.create': defineMethod({
      description: 'Kith: add a new encrypted network hosted on this computer (not yet active); params [name]',
      needsAuth: true,
      parseParams: parseOneString('network name'),
      handler: async ([name]): Promise<ProfileSummary[]> => changed(await controller.create(name)),
    }),
    'kith.profiles.rename': defineMethod({
      description: 'Kith: rename a network on this computer (its community name stays); params [name, new name]',
      needsAuth: true,
      parseParams: parseTwoStrings,
      handler: async ([from, to]): Promise<ProfileSummary[]> => changed(await controller.rename(from, to)),
    }),
    'kith.profiles.delete': defineMethod({
      description: 'Kith: leave a network and delete it from this computer (the active one after switching to another); params [name]',
      needsAuth: true,
      parseParams: parseOneString('network name'),
      handler: async ([name]): Promise<ProfileSummary[]> => changed(await controller.remove(name)),
    }),
    'kith.invite.create': defineMethod({
      description: 'Kith: a kith://join link for the active network (includes the key); params [] or [device name] for a network hosted here',
      needsAuth: true,
      parseParams: parseInviteParams,
      handler: async ([device]): Promise<Invite> => {
        const invite = await controller.invite(device);
        if (!invite.ok) throw new RpcError(409, invite.detail ?? invite.error);
        return invite.value;
      },
    }),
    'kith.invite.describe': defineMethod({
      description: 'Kith: what joining with a kith://join link would do (network, address, encryption), or why not; params [link]',
      needsAuth: true,
      parseParams: parseOneString('invite link'),
      handler: ([link]): InviteDescription => controller.describeInvite(link),
    }),
    'kith.invite.import': defineMethod({
      description: 'Kith: join the network of a kith://join link; params [link]',
      needsAuth: true,
      parseParams: parseOneString('invite link'),
      handler: ([link]): Promise<InviteImportResult> => controller.importInvite(link),
    }),
    'kith.reachability': defineMethod({
      description: 'Kith: where the active network can be reached from (router port mapping), for the Invite screen',
      needsAuth: true,
      handler: (): Reachability => controller.reachability(),
    }),
    'kith.devices': defineMethod({
      description: 'Kith: the devices invited into the network hosted here (joined, waiting or expired)',
      needsAuth: true,
      handler: (): InvitedDevice[] => controller.devices(),
    }),
    'kith.devices.remove': defineMethod({
      description: "Kith: take an invited device's access to the network hosted here away; params [device name]",
      needsAuth: true,
      parseParams: parseOneString('device name'),
      handler: async ([name]): Promise<{ removed: string }> => {
        if (!(await controller.removeDevice(name))) throw new RpcError(404, `No device named "${name.slice(0, 40)}" was invited into this network.`);
        return { removed: name };
      },
    }),
    'kith.log': defineMethod({
      description: 'Kith: recent log lines, oldest first',
      needsAuth: true,
      handler: (): LogLine[] => controller.recentLog(),
    }),
    'kith.ping': defineMethod({
      description: "Kith: ping a peer's VPN address; params [ipv4]",
      needsAuth: true,
      parseParams: parseOneString('ipv4 address'),
      handler: async ([address]): Promise<PingResult> => {
        const pinged = await controller.ping(address);
        if (!pinged.ok) throw new RpcError(400, pinged.detail ?? pinged.error);
        return pinged.value;
      },
    }),
  } satisfies MethodTable;
}

export type ProfileMethods = ReturnType<typeof profileMethods>;

export const PROFILE_TOPICS = {
  'kith.settings': topic<SettingsChanged>('Network settings saved or another profile chosen (re-read kith.settings.get)'),
};

/** Every topic of an edge run from a profile: what kith-edge and the desktop publish. */
export const DESKTOP_TOPICS = { ...EDGE_TOPICS, ...STATS_TOPICS, ...PROFILE_TOPICS, ...HELP_TOPICS };

/** The profile methods and their topic, for createEdgeManagement's extension. */
export function profileExtension(controller: NetworkController): ManagementExtension<ProfileMethods, typeof PROFILE_TOPICS> {
  return {
    methods: profileMethods(controller),
    topics: PROFILE_TOPICS,
    publishTo: (publish) => {
      const onChanged = (change: SettingsChanged): void => publish('kith.settings', change);
      controller.changes.on('changed', onChanged);
      return () => void controller.changes.off('changed', onChanged);
    },
  };
}

/** What an edge run from a profile adds to the edge's table: the profile methods, the pushed figures and the help session. */
export function desktopExtension(controller: NetworkController, edge: HelpEdge & Pick<ManagedEdge, 'supernodes'>, log: (line: string) => void): AnyManagementExtension {
  return combineExtensions(profileExtension(controller), statsExtension(edge), helpExtension(new HelpService({ edge, log })));
}
