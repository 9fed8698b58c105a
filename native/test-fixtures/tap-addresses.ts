// The one table of TAP address cases (tap-addresses.json) that kith-tap (native/kith-tap-addresses.test.ts)
// and the engine's rules (engine/config/tap-address-rules.test.ts) are both tested against.
import { readFileSync } from 'node:fs';

export interface TapAddressCase {
  readonly address: string;
  /** Absent: allowed. 'syntax' is kith-tap's exit 2; every other rule its exit 3. */
  readonly refused?: 'syntax' | 'never' | 'host' | 'not-private' | 'route';
  /** A part of the message both print. */
  readonly says?: string;
}

export interface TapAddressTable {
  readonly shape: readonly TapAddressCase[];
  /** An allow-list file's lines, and addresses checked with it. */
  readonly allowList: { readonly lines: readonly string[]; readonly cases: readonly TapAddressCase[] };
  readonly badAllowLists: readonly { readonly lines: readonly string[]; readonly says: string }[];
  /** Routes through another interface (lan0), and addresses checked against them. */
  readonly routes: { readonly elsewhere: readonly { readonly destination: string; readonly via: string }[]; readonly cases: readonly TapAddressCase[] };
}

export const tapAddressTable = JSON.parse(readFileSync(new URL('tap-addresses.json', import.meta.url), 'utf8')) as TapAddressTable;
