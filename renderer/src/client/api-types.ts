// The methods and event topics the window uses, typed from the engine's method table (EdgeApi) so
// that a renamed method or a changed result is a compile error here. Methods the table does not
// have yet fall back to the shapes declared in engine/desktop/api.ts.
import type {
  EdgeApi,
  EdgeEventPayloads,
  Invite,
  InviteImportResult,
  KithStatus,
  LogLine,
  NetworkSettings,
  PeerView,
  PingResult,
  ProfileSummary,
  SettingsSetResult,
  SettingsView,
  SupernodeView,
  EdgeState,
} from '../../../engine/desktop/api.js';
import type { MethodParams, MethodResult } from '../../../engine/mgmt/method-table.js';

/** What each method takes and returns, as the desktop API describes it. */
interface DeclaredMethods {
  'kith.status': { params: null; result: KithStatus };
  'kith.peers': { params: null; result: PeerView[] };
  'kith.supernodes': { params: null; result: SupernodeView[] };
  'kith.connect': { params: null; result: EdgeState };
  'kith.disconnect': { params: null; result: EdgeState };
  'kith.settings.get': { params: null; result: SettingsView };
  'kith.settings.set': { params: [Partial<NetworkSettings>]; result: SettingsSetResult };
  'kith.profiles': { params: null; result: ProfileSummary[] };
  'kith.profiles.select': { params: [string]; result: unknown };
  'kith.invite.create': { params: null; result: Invite };
  'kith.invite.import': { params: [string]; result: InviteImportResult };
  'kith.log': { params: null; result: LogLine[] };
  'kith.ping': { params: [string]; result: PingResult };
}

export type KithMethod = keyof DeclaredMethods;

type Served<K extends KithMethod> = K extends Extract<keyof EdgeApi, string> ? K : never;

/** The engine's own param type once it serves the method; `null` stands for "no params". */
export type KithParams<K extends KithMethod> = [Served<K>] extends [never]
  ? DeclaredMethods[K]['params']
  : unknown extends MethodParams<EdgeApi, Served<K>>
    ? DeclaredMethods[K]['params']
    : undefined extends MethodParams<EdgeApi, Served<K>>
      ? null
      : MethodParams<EdgeApi, Served<K>>;

export type KithResult<K extends KithMethod> = [Served<K>] extends [never] ? DeclaredMethods[K]['result'] : MethodResult<EdgeApi, Served<K>>;

/** Event topics the window listens to, as the engine publishes them. */
export interface KithEvents {
  readonly 'kith.state': EdgeEventPayloads['kith.state'];
  readonly 'kith.peer': EdgeEventPayloads['kith.peer'];
  readonly 'kith.path': EdgeEventPayloads['kith.path'];
  /** Only which network changed (no key): the settings are read again with kith.settings.get. */
  readonly 'kith.settings': EdgeEventPayloads['kith.settings'];
}

export type KithTopic = keyof KithEvents;
