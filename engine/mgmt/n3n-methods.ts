// n3n's method table, once for both daemons (MANAGEMENT.md §6: the edge and the supernode register
// the same methods with the same descriptions). What differs is only where the rows come from, so
// each daemon hands in an N3nDaemon that fills them from its own engine.
import { defineMethod, type MethodContext, type MethodTable } from './method-table.js';
import { buildDate, daemonControlMethods, type DaemonControl, type EdgeRow, type InfoResult, type PacketStatsRow, type SupernodeRow, type TimestampsResult } from './n3n-shapes.js';
import { paginate } from './pagination.js';

/** What only the daemon behind the table knows: its kind, its identity and the rows of each method. */
export interface N3nDaemon<Community, Mac, Reload extends number> extends DaemonControl {
  /** §6.5 is_edge / is_supernode; §6.3: get_communities pages only on a supernode. */
  readonly kind: 'edge' | 'supernode';
  readonly version: string;
  /** `connection.advertise_addr`: §6.5 sockaddr, 0.0.0.0 while it is `auto`. */
  readonly advertiseAddr: string;
  /** §6.5: the TAP's MAC and IPv4 address on an edge; `""` and 0.0.0.0 on a supernode. */
  address(): { readonly macaddr: string; readonly ip4addr: string };
  /** §6.3; may throw RpcError 403 where the names are secret. */
  communities(context: MethodContext): readonly Community[];
  /** §6.4, all rows: the table pages them. */
  edges(context: MethodContext): readonly EdgeRow[];
  /** §6.6, all rows. */
  macs(): readonly Mac[];
  /** §6.7: the ten rows. */
  packetStats(): PacketStatsRow[];
  /** §6.8. */
  supernodes(): SupernodeRow[];
  /** §6.9. */
  timestamps(): TimestampsResult;
  /** §6.13. */
  reloadCommunities(): Reload;
}

/** n3n's methods minus the framework's `help` and `help.events`, in n3n's words. */
export function n3nMethods<Community, Mac, Reload extends number>(daemon: N3nDaemon<Community, Mac, Reload>) {
  const builddate = buildDate();
  const control = daemonControlMethods(daemon);
  const pagedCommunities = daemon.kind === 'supernode';
  return {
    get_communities: defineMethod({
      description: 'Show current communities',
      needsAuth: false,
      paginated: pagedCommunities,
      handler: (params, context): Community[] => {
        const rows = daemon.communities(context);
        return pagedCommunities ? paginate(rows, params) : [...rows];
      },
    }),
    get_edges: defineMethod({
      description: 'List current edges/peers',
      needsAuth: false,
      paginated: true,
      handler: (params, context): EdgeRow[] => paginate(daemon.edges(context), params),
    }),
    get_info: defineMethod({
      description: 'Provide basic edge information',
      needsAuth: false,
      handler: (): InfoResult => {
        const { macaddr, ip4addr } = daemon.address();
        return {
          version: daemon.version,
          builddate,
          is_edge: daemon.kind === 'edge' ? 1 : 0,
          is_supernode: daemon.kind === 'supernode' ? 1 : 0,
          macaddr,
          ip4addr,
          sockaddr: `${daemon.advertiseAddr === 'auto' ? '0.0.0.0' : daemon.advertiseAddr}:0`,
        };
      },
    }),
    get_mac: defineMethod({ description: 'Show known mac addresses', needsAuth: false, paginated: true, handler: (params): Mac[] => paginate(daemon.macs(), params) }),
    get_packetstats: defineMethod({ description: 'traffic counters', needsAuth: false, handler: (): PacketStatsRow[] => daemon.packetStats() }),
    get_supernodes: defineMethod({ description: 'List current supernodes', needsAuth: false, handler: (): SupernodeRow[] => daemon.supernodes() }),
    get_timestamps: defineMethod({ description: 'Event timestamps', needsAuth: false, handler: (): TimestampsResult => daemon.timestamps() }),
    get_verbose: control.get_verbose,
    'post.test': control['post.test'],
    reload_communities: defineMethod({ description: "Reloads communities and user's public keys", needsAuth: true, handler: (): Reload => daemon.reloadCommunities() }),
    set_verbose: control.set_verbose,
    stop: control.stop,
  } satisfies MethodTable;
}
