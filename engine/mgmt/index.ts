// Public surface of the management framework shared by the edge and the supernode.
export { basicAuthorization } from './auth.js';
export {
  createManagementClient,
  type CallError,
  type CallOptions,
  type ClientOptions,
  type EventOf,
  type EventSubscription,
  type ManagementClient,
  type ManagementTarget,
  type SubscribeError,
} from './client.js';
export { DEBUG_TOPIC, type EventTopicRow, type PublishError } from './events.js';
export { inProcessClient, type InProcessClient, type TypedReply } from './in-process-client.js';
export {
  createManagementServer,
  type BuiltinMethods,
  type EventPayloads,
  type ManagementServer,
  type ManagementServerOptions,
  type ServedMethods,
} from './http-server.js';
export { combineExtensions, type AnyManagementExtension, type ManagementExtension, type Publish } from './extension.js';
export { DEFAULT_LIMITS, type ManagementLimits } from './limits.js';
export type { Listener, TcpListenError, TcpListenOptions, UnixListenError, UnixListenOptions } from './listeners.js';
export {
  defineMethod,
  RpcError,
  type HelpRow,
  type MethodContext,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type MethodSpec,
  type MethodTable,
} from './method-table.js';
export { Counter, Gauge, MetricsRegistry } from './metrics.js';
export { paginate, readPage, type Page } from './pagination.js';
export { topic, topicsStartingWith, type PayloadsOf, type TopicSpec, type TopicSpecs } from './topics.js';
export { currentSocketPathEnvironment, defaultSocketPath, isValidSessionName, type SocketPathEnvironment } from './paths.js';
