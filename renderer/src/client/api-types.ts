// The methods and event topics the window uses, typed from the engine's method table (EdgeApi) so
// that a renamed method or a changed result is a compile error here.
import type { EdgeApi, EdgeEventPayloads } from '../../../engine/desktop/api.js';
import type { MethodParams, MethodResult } from '../../../engine/mgmt/method-table.js';

/** The engine's `kith.*` methods: the ones the window calls. */
export type KithMethod = Extract<keyof EdgeApi, `kith.${string}`>;

/** What a method takes; `null` stands for "no params" (no parseParams, or a handler without any). */
export type KithParams<K extends KithMethod> = unknown extends MethodParams<EdgeApi, K>
  ? null
  : undefined extends MethodParams<EdgeApi, K>
    ? null
    : MethodParams<EdgeApi, K>;

export type KithResult<K extends KithMethod> = MethodResult<EdgeApi, K>;

/** Event topics the window listens to, as the engine publishes them. */
export interface KithEvents {
  readonly 'kith.state': EdgeEventPayloads['kith.state'];
  readonly 'kith.peer': EdgeEventPayloads['kith.peer'];
  readonly 'kith.path': EdgeEventPayloads['kith.path'];
  /** Only which network changed (no key): the settings are read again with kith.settings.get. */
  readonly 'kith.settings': EdgeEventPayloads['kith.settings'];
}

export type KithTopic = keyof KithEvents;
