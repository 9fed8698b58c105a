// One n3n daemon's management server, wired the same way for the edge and the supernode: n3n's
// default password (MANAGEMENT.md §4), post.test's params published on the `test` topic (§6.14),
// and the daemon's own events forwarded to its topics until the server closes.
import type { KithConfig } from '../../shared/config/schema.js';
import type { AnyManagementExtension } from './extension.js';
import { createManagementServer, type ManagementServer } from './http-server.js';
import type { MethodTable } from './method-table.js';
import type { MetricsRegistry } from './metrics.js';
import type { N3N_TOPICS } from './n3n-shapes.js';
import type { PayloadsOf, TopicSpecs } from './topics.js';

export interface DaemonManagementOptions<T extends MethodTable, S extends TopicSpecs> {
  readonly session: string;
  readonly config: Pick<KithConfig, 'management'>;
  /** The daemon's table, given the function that publishes post.test's params. */
  readonly methods: (publishTest: (params: unknown) => void) => T;
  /** The daemon's topics: n3n's and its own `kith.*` ones. */
  readonly topics: S;
  readonly metrics: MetricsRegistry;
  /** Starts forwarding the daemon's events to the server's topics; returns the function that stops it. */
  readonly forwardEvents: (server: ManagementServer<PayloadsOf<S>>) => () => void;
  /** More methods and topics in the same table (extension.ts). */
  readonly extension?: AnyManagementExtension;
  /** The built web UI, served on the TCP listener behind the management password. */
  readonly webUiDir?: string;
  readonly log: (line: string) => void;
}

export interface DaemonManagement<E extends PayloadsOf<TopicSpecs>> {
  readonly server: ManagementServer<E>;
  /** Stops forwarding events, closes streams and listeners, unlinks the unix socket. */
  close(): Promise<void>;
}

/** The management server of one daemon, not yet listening anywhere. */
export function createDaemonManagement<T extends MethodTable, S extends TopicSpecs & Pick<typeof N3N_TOPICS, 'test'>>(
  options: DaemonManagementOptions<T, S>,
): DaemonManagement<PayloadsOf<S>> {
  let publishTest: (params: unknown) => void = () => undefined;
  const server = createManagementServer({
    session: options.session,
    methods: options.methods((params) => publishTest(params)),
    password: options.config.management.password ?? 'n3n',
    topics: options.topics,
    ...(options.extension === undefined ? {} : { extension: options.extension }),
    metrics: options.metrics,
    enableDebugPages: options.config.management.enable_debug_pages,
    ...(options.webUiDir === undefined ? {} : { webUiDir: options.webUiDir }),
    log: options.log,
  });
  // S holds n3n's `test` topic (the constraint above), which the conditional PayloadsOf<S> hides.
  const n3nTopics = server as Pick<ManagementServer<PayloadsOf<Pick<typeof N3N_TOPICS, 'test'>>>, 'publish'>;
  publishTest = (params) => void n3nTopics.publish('test', { params });
  const stopForwarding = options.forwardEvents(server);
  return {
    server,
    close: async () => {
      stopForwarding();
      await server.close();
    },
  };
}
