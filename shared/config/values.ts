// Parsers for the value types of n3n's configuration registry (CONFIG.md §6, "type legend").
// Each returns a typed result; the message says what is allowed, so errors can name it.
import { macToString, parseMac as parseMacText } from '../mac-text.js';
import { err, ok, type Result } from '../result.js';
import { isIPv4, isIPv6 } from './ip-literal.js';

export type ValueResult<T> = Result<T, 'invalid-value'>;

export interface Ipv4Net {
  readonly address: string;
  readonly prefix: number;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface SockAddr {
  /** Literal address; '::' means any. */
  readonly address: string;
  readonly port: number;
}

const utf8 = new TextEncoder();

const invalid = <T>(allowed: string): ValueResult<T> => err('invalid-value', allowed);

export function parseBool(text: string): ValueResult<boolean> {
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return invalid('true or false');
}

/** C strtoul(text, 0): decimal, 0x hex or leading-0 octal; the whole string must parse. */
export function parseUint(text: string, max = 0xffffffff): ValueResult<number> {
  const allowed = max === 0xffffffff ? 'a whole number (decimal, 0x hex or 0-prefixed octal)' : `a whole number from 0 to ${max}`;
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) value = parseInt(text, 8);
  else if (/^[1-9][0-9]*$/.test(text)) value = parseInt(text, 10);
  else return invalid(allowed);
  return value <= max ? ok(value) : invalid(allowed);
}

/** Strings with n3n's fixed buffer sizes: at most maxBytes bytes (n3n truncates; we refuse). */
export function parseString(text: string, maxBytes?: number): ValueResult<string> {
  if (maxBytes !== undefined && utf8.encode(text).length > maxBytes) return invalid(`text of at most ${maxBytes} bytes`);
  return ok(text);
}

export function parseEnum<T extends string>(text: string, words: readonly T[]): ValueResult<T> {
  return (words as readonly string[]).includes(text) ? ok(text as T) : invalid(`one of ${words.join(', ')}`);
}

/** a.b.c.d[/len], prefix length default 24. */
export function parseIpv4Net(text: string, defaultPrefix = 24): ValueResult<Ipv4Net> {
  const [address = '', prefixText, extra] = text.split('/');
  if (extra !== undefined || !isIPv4(address)) return invalid('an IPv4 address with optional /prefix, e.g. 10.0.0.1/24');
  if (prefixText === undefined) return ok({ address, prefix: defaultPrefix });
  if (!/^[0-9]{1,2}$/.test(prefixText) || Number(prefixText) > 32) return invalid('a prefix length from 0 to 32');
  return ok({ address, prefix: Number(prefixText) });
}

function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

const HOST_NAME = /^[A-Za-z0-9.-]+$/;

/** host:port as configured, an IPv6 literal as [v6]:port. */
export const hostPortText = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * host[:port]: a name, an IPv4 literal, or an IPv6 literal bare or as [v6]:port (n3n main: a colon
 * separates the port only after `]` or when it is the only one); `[name]:port` too, as n3n strips
 * the brackets. Zone ids (`fe80::1%eth0`) are refused: the scope would be lost on the way.
 */
export function parseHostPort(text: string, defaultPort: number): ValueResult<HostPort> {
  const allowed = 'host[:port]: a name, an IPv4 address or an IPv6 address (as [v6]:port with a port), e.g. sn.example.org:7654, 192.0.2.1:7654 or [2001:db8::1]:7654; no %zone';
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    host = text;
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  const literal = isIPv6(host) ? !host.includes('%') : HOST_NAME.test(host);
  const port = portText === undefined ? defaultPort : parsePort(portText);
  if (!literal || port === undefined || host === '') return invalid(allowed);
  return ok({ host, port });
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** An IPv4 or IPv6 literal to bind (IPv4-mapped ones as their IPv4 address), or undefined. */
function bindAddress(text: string): string | undefined {
  const mapped = MAPPED_V4.exec(text)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  return isIPv4(text) || (isIPv6(text) && !text.includes('%')) ? text : undefined;
}

/**
 * [address][:port] with a literal address only, as n3n main reads connection.bind: `7777` and
 * `:7777` → [::]:7777 (dual-stack), `1.2.3.4` → 1.2.3.4:0, `::1` / `[::1]:99` / `[1.2.3.4]:5`.
 */
export function parseSockAddr(text: string): ValueResult<SockAddr> {
  const allowed = 'a port, or an IPv4 or IPv6 address with optional port, e.g. 7654, 0.0.0.0:7654, 2001:db8::1 or [2001:db8::1]:7654; no host names, no %zone';
  if (/^:?[0-9]+$/.test(text)) {
    const port = parsePort(text.replace(':', ''));
    return port === undefined ? invalid(allowed) : ok({ address: '::', port });
  }
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(text);
  let addressText: string;
  let port: number | undefined = 0;
  if (bracketed) {
    addressText = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2]);
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    addressText = text;
  } else {
    const colon = text.indexOf(':');
    addressText = colon < 0 ? text : text.slice(0, colon);
    if (colon >= 0) port = parsePort(text.slice(colon + 1));
  }
  const address = bindAddress(addressText);
  return address !== undefined && port !== undefined ? ok({ address, port }) : invalid(allowed);
}

/** AA:BB:CC:DD:EE:FF (also with dashes). */
export function parseMac(text: string): ValueResult<Uint8Array> {
  const mac = parseMacText(text);
  return mac.ok ? mac : invalid('a MAC address like 02:00:00:00:00:01');
}

/** AA:BB:CC:DD:EE:FF, uppercase as n3n dumps it. */
export function formatMac(mac: Uint8Array): string {
  return macToString(mac).toUpperCase();
}
