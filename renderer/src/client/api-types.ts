// The methods and event topics the window uses, typed from the engine's method table (DesktopApi) so
// that a renamed method or a changed result is a compile error here.
import type { DesktopApi, DesktopEventPayloads } from '../../../engine/profiles/api.js';
import type { MethodParams, MethodResult } from '../../../engine/mgmt/method-table.js';

/** The engine's `kith.*` methods: the ones the window calls. */
export type KithMethod = Extract<keyof DesktopApi, `kith.${string}`>;

/** What a method takes; `null` stands for "no params" (no parseParams, or a handler without any). */
export type KithParams<K extends KithMethod> = unknown extends MethodParams<DesktopApi, K>
  ? null
  : undefined extends MethodParams<DesktopApi, K>
    ? null
    : MethodParams<DesktopApi, K>;

export type KithResult<K extends KithMethod> = MethodResult<DesktopApi, K>;

/** The engine's `kith.*` topics: the window listens to every one of them. */
export type KithTopic = Extract<keyof DesktopEventPayloads, `kith.${string}`>;

/** Their payloads, as the engine publishes them (kith.settings names the network, never its key). */
export type KithEvents = Pick<DesktopEventPayloads, KithTopic>;

/**
 * KithTopic as a value. The window may not load the engine's declarations (it imports only their
 * types), so the names are written here and the compiler holds them to the engine's: a topic
 * missing here, or one the engine does not publish, does not compile.
 */
export const KITH_TOPICS = Object.keys({
  'kith.state': true,
  'kith.peer': true,
  'kith.path': true,
  'kith.stats': true,
  'kith.settings': true,
  'kith.help': true,
} satisfies Record<KithTopic, true>) as KithTopic[];
