// n3n's result shapes and parameter rules that both daemons' method tables share (MANAGEMENT.md
// §6): each daemon fills the rows from its own engine, the shapes and member order stay n3n's.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseUint } from '../../shared/config/values.js';
import { err, ok, type Result } from '../../shared/result.js';
import { defineMethod, RpcError } from './method-table.js';
import { topic } from './topics.js';

/** `sockaddr` of an unknown socket. */
export const NO_SOCKET = '0.0.0.0:0';

/** MANAGEMENT.md §6: "All MAC addresses are upper-case hex". */
export const upperMac = (mac: string): string => mac.toUpperCase();
export const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);
/** MANAGEMENT.md §6 `ts`: Unix seconds, 0 = never; the engines keep milliseconds. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** MANAGEMENT.md §6.4, members in n3n's emission order. */
export interface EdgeRow {
  readonly mode: 'sn' | 'pSp' | 'p2p';
  readonly community: string;
  readonly ip4addr: string;
  readonly purgeable: 0 | 1;
  readonly local: 0 | 1;
  readonly macaddr: string;
  readonly sockaddr: string;
  readonly prefered_sockaddr: string;
  readonly desc: string;
  readonly version: string;
  readonly timeout: number;
  readonly uptime: number;
  readonly time_alloc: number;
  readonly last_p2p: number;
  readonly last_sent_query: number;
  readonly last_seen: number;
}

/** MANAGEMENT.md §6.5. */
export interface InfoResult {
  readonly version: string;
  readonly builddate: string;
  readonly is_edge: 0 | 1;
  readonly is_supernode: 0 | 1;
  readonly macaddr: string;
  readonly ip4addr: string;
  readonly sockaddr: string;
}

/** MANAGEMENT.md §6.7: always ten rows in this order. */
export type PacketStatsRow =
  | { readonly type: 'transop' | 'p2p' | 'super' | 'super_broadcast' | 'multicast_drop'; readonly tx_pkt: number; readonly rx_pkt: number }
  | { readonly type: 'tuntap_error' | 'sn_fwd' | 'sn_broadcast' | 'sn_errors'; readonly tx_pkt: number }
  | { readonly type: 'sn_reg'; readonly tx_pkt: number; readonly nak: number };

/** MANAGEMENT.md §6.9. */
export interface TimestampsResult {
  readonly last_register_req: number;
  readonly last_rx_p2p: number;
  readonly last_rx_super: number;
  readonly last_sweep: number;
  readonly last_sn_fwd: number;
  readonly last_sn_reg: number;
  readonly start_time: number;
}

/** MANAGEMENT.md §6.8. */
export interface SupernodeRow {
  readonly version: string;
  readonly purgeable: number;
  readonly current: number;
  readonly macaddr: string;
  readonly sockaddr: string;
  readonly selection: string;
  readonly last_seen: number;
  readonly uptime: number;
}

/** MANAGEMENT.md §7.4 `peer` actions: an edge's peers appear, move and expire; a supernode purges and clears. */
export type PeerAction = 'p2p_add' | 'p2p_changed' | 'p2p_expired' | 'purge' | 'clear';

/** The topics every n3n daemon publishes (MANAGEMENT.md §6.2, §7.4). */
export const N3N_TOPICS = {
  test: topic<{ readonly params: unknown }>('Used only by post.test'),
  peer: topic<{ readonly action: PeerAction; readonly macaddr: string; readonly age: number; readonly sockaddr: string }>('Changes to peer list'),
};

/** MANAGEMENT.md §6.11: `[3]` from the web UI, `["3"]` (also `["0x4"]`) from n3nctl. */
export function parseLevelParams(raw: unknown): Result<[number | string], string> {
  if (raw === null || raw === undefined) return err('missing param');
  if (!Array.isArray(raw)) return err('expecting array');
  const first: unknown = raw[0];
  if (first === undefined) return err('missing param');
  return typeof first === 'number' || typeof first === 'string' ? ok([first]) : err('expecting a level');
}

/** n3n reads the level like C strtoul(…, 0): decimal, 0x hex or 0-prefixed octal. */
export function levelOf(value: number | string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  } else {
    const level = parseUint(value.trim());
    if (level.ok) return level.value;
  }
  throw new RpcError(400, 'expecting a level');
}

/** The build time of the running code: `builddate` is free text (MANAGEMENT.md §6.5). */
export function buildDate(): string {
  try {
    return statSync(fileURLToPath(import.meta.url)).mtime.toUTCString();
  } catch {
    return '';
  }
}

export interface DaemonControl {
  readonly getVerbose: () => number;
  readonly setVerbose: (level: number) => number;
  readonly publishTest: (params: unknown) => void;
  readonly requestStop: () => void;
}

/** The methods every n3n daemon answers the same way (MANAGEMENT.md §6.10–6.12, §6.14). */
export function daemonControlMethods(control: DaemonControl) {
  return {
    get_verbose: defineMethod({ description: 'Logging verbosity', needsAuth: false, handler: () => control.getVerbose() }),
    'post.test': defineMethod({
      description: 'Send a test event',
      needsAuth: false,
      handler: (params) => {
        control.publishTest(params);
        return 'sent';
      },
    }),
    set_verbose: defineMethod({
      description: 'Set logging verbosity',
      needsAuth: true,
      parseParams: parseLevelParams,
      handler: ([level]) => control.setVerbose(levelOf(level)),
    }),
    stop: defineMethod({
      description: 'Stop the daemon',
      needsAuth: true,
      handler: () => {
        control.requestStop();
        return 0;
      },
    }),
  };
}
