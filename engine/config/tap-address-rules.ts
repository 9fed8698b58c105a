// Which IPv4 address/prefix a Kith edge puts on its own TAP: exactly kith-tap's rules
// (native/kith-tap/address-policy.c, DESIGN.md "Trust boundaries"), applied before an address from
// outside — -a / tuntap.address, the settings form, an invite, a supernode's auto-IP offer — gets
// near the device. A prefix becomes a route through the TAP, so 128.0.0.1/1 would take half the
// Internet's traffic away from the host. Both rule sets are tested against one table,
// native/test-fixtures/tap-addresses.json. Only what this edge accepts for itself is restricted:
// peers, n3n's included, may use any address. Pure (no Node APIs), so the renderer may use it.
//
// What kith-tap alone knows is the live routing table; routeOverlap is that rule for a list of
// routes the caller read (tap-port.ts does, for devices it configures without kith-tap).
import { err, ok, type Result } from '../../shared/result.js';

export interface Ipv4Prefix {
  readonly address: string;
  readonly prefix: number;
}

/** A route through an interface other than the TAP: its destination and the interface's name. */
export interface RouteElsewhere {
  readonly destination: Ipv4Prefix;
  readonly via: string;
}

/** Which rule refused: the text's shape, a range never allowed, a network/broadcast address, outside the private ranges, or an existing route. */
export type TapAddressRule = 'syntax' | 'never' | 'host' | 'not-private' | 'route';

export interface TapAddressRefusal {
  readonly rule: TapAddressRule;
  /** One line naming what is allowed, worded as kith-tap words it. */
  readonly message: string;
}

/** Where an administrator lists further prefixes (kith-tap's KITH_TAP_ALLOW_FILE). */
export const TAP_ALLOW_FILE = '/etc/kith/tap-allow.conf';
export const TAP_ALLOW_LINES_MAX = 1024;
const TAP_ALLOW_LINE_MAX = 128;

const ALLOWED = `allowed: inside 10.0.0.0/8 (/8 or longer), 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 (/16 or longer) or ${TAP_ALLOW_FILE}`;

interface Numeric {
  readonly addr: number;
  readonly len: number;
}

const mask = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
const overlap = (a: Numeric, b: Numeric): boolean => ((a.addr ^ b.addr) & mask(Math.min(a.len, b.len))) >>> 0 === 0;
/** b lies wholly inside a. */
const contains = (a: Numeric, b: Numeric): boolean => b.len >= a.len && ((a.addr ^ b.addr) & mask(a.len)) >>> 0 === 0;
const net = (text: string, len: number): Numeric => ({ addr: toNumber(text) ?? 0, len });

const NEVER: readonly { readonly net: Numeric; readonly what: string }[] = [
  { net: net('0.0.0.0', 8), what: 'this-network 0.0.0.0/8' },
  { net: net('127.0.0.0', 8), what: 'loopback 127.0.0.0/8' },
  { net: net('169.254.0.0', 16), what: 'link-local 169.254.0.0/16' },
  { net: net('224.0.0.0', 4), what: 'multicast 224.0.0.0/4' },
  { net: net('240.0.0.0', 4), what: 'reserved and broadcast 240.0.0.0/4' },
];

/** RFC 1918 and RFC 6598 space, with the shortest prefix a device may route there. */
const PRIVATE: readonly { readonly net: Numeric; readonly shortest: number }[] = [
  { net: net('10.0.0.0', 8), shortest: 8 },
  { net: net('172.16.0.0', 12), shortest: 16 },
  { net: net('192.168.0.0', 16), shortest: 16 },
  { net: net('100.64.0.0', 10), shortest: 16 },
];

/** Strict unsigned decimal as kith-tap reads it: digits only, no leading zeros, at most max. */
function decimal(text: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

function toNumber(dotted: string): number | undefined {
  const parts = dotted.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const byte = decimal(part, 255);
    if (byte === undefined) return undefined;
    value = value * 256 + byte;
  }
  return value;
}

function numeric(subnet: Ipv4Prefix): Numeric | undefined {
  const addr = toNumber(subnet.address);
  return addr === undefined || !Number.isInteger(subnet.prefix) || subnet.prefix < 0 || subnet.prefix > 32 ? undefined : { addr, len: subnet.prefix };
}

function text(n: Numeric): string {
  return `${[n.addr >>> 24, (n.addr >>> 16) & 255, (n.addr >>> 8) & 255, n.addr & 255].join('.')}/${n.len}`;
}

const refusal = (rule: TapAddressRule, message: string): TapAddressRefusal => ({ rule, message });

/** `a.b.c.d/len`, len 1..32, no leading zeros: kith-tap's parse_cidr. */
export function parseTapAddress(input: string): Result<Ipv4Prefix, string> {
  const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
  const slash = input.indexOf('/');
  if (slash < 0 || input.length > 18) return err('syntax', `bad address (want a.b.c.d/len): ${shown}`);
  const prefix = decimal(input.slice(slash + 1), 32);
  if (prefix === undefined || prefix < 1) return err('syntax', `bad prefix length (1-32): ${shown}`);
  const address = input.slice(0, slash);
  return toNumber(address) === undefined ? err('syntax', `bad address (want a.b.c.d/len): ${shown}`) : ok({ address, prefix });
}

/**
 * Why the TAP may not take subnet, or undefined when it may. Without an allow-list the refusal for
 * a prefix outside the private ranges is 'not-private', which the caller may then look up in
 * TAP_ALLOW_FILE's list (tap-allow-list.ts), as kith-tap does.
 */
export function checkTapAddress(subnet: Ipv4Prefix, allowList: readonly Ipv4Prefix[] = []): TapAddressRefusal | undefined {
  const p = numeric(subnet);
  if (p === undefined) return refusal('syntax', `bad address (want a.b.c.d/len): ${subnet.address}/${subnet.prefix}`);
  const shown = text(p);
  const never = NEVER.find((range) => overlap(p, range.net));
  if (never !== undefined) return refusal('never', `${shown} overlaps ${never.what}; ${ALLOWED}`);
  const host = (p.addr & ~mask(p.len)) >>> 0;
  if (p.len <= 30 && (host === 0 || host === (~mask(p.len) >>> 0))) {
    return refusal('host', `${shown} is the network or broadcast address of its prefix; use a host address`);
  }
  if (PRIVATE.some((range) => p.len >= range.shortest && contains(range.net, p))) return undefined;
  if (allowList.some((entry) => { const e = numeric(entry); return e !== undefined && contains(e, p); })) return undefined;
  return refusal('not-private', `${shown} is not a private prefix; ${ALLOWED}`);
}

/** kith-tap's route_conflict for a list of routes: no overlap with a route elsewhere (the default route aside). */
export function routeOverlap(subnet: Ipv4Prefix, routes: readonly RouteElsewhere[]): TapAddressRefusal | undefined {
  const p = numeric(subnet);
  if (p === undefined) return refusal('syntax', `bad address (want a.b.c.d/len): ${subnet.address}/${subnet.prefix}`);
  for (const route of routes) {
    const r = numeric(route.destination);
    if (r === undefined || r.len === 0 || !overlap(p, r)) continue;
    return refusal('route', `${text(p)} overlaps the route to ${text({ addr: (r.addr & mask(r.len)) >>> 0, len: r.len })} via ${route.via}; use a prefix no other interface routes`);
  }
  return undefined;
}

/** The allow-list file's text: one a.b.c.d/len per line, '#' comments; any bad line spoils it all. */
export function parseTapAllowList(content: string, file = TAP_ALLOW_FILE): Result<Ipv4Prefix[], string> {
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: Ipv4Prefix[] = [];
  for (const [index, line] of lines.entries()) {
    const n = index + 1;
    if (n > TAP_ALLOW_LINES_MAX || line.length > TAP_ALLOW_LINE_MAX) return err('syntax', `${file}:${n}: too long (at most ${TAP_ALLOW_LINES_MAX} lines of ${TAP_ALLOW_LINE_MAX} bytes)`);
    // Blanks are spaces and tabs only, as kith-tap reads them (a CR is part of the word).
    const word = (line.split('#')[0] ?? '').replace(/^[ \t]+|[ \t]+$/g, '');
    if (word === '') continue;
    const entry = /[ \t]/.test(word) ? undefined : parseTapAddress(word);
    if (entry?.ok !== true) return err('syntax', `${file}:${n}: want one a.b.c.d/len per line`);
    entries.push(entry.value);
  }
  return ok(entries);
}
