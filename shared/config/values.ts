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

/** host[:port] (name or literal; [v6]:port), default port given by the option. */
export function parseHostPort(text: string, defaultPort: number): ValueResult<HostPort> {
  const allowed = 'host[:port], e.g. sn.example.org:7654 or [2001:db8::1]:7654';
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIPv6(host)) return invalid(allowed);
  } else if (isIPv6(text)) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    if (!/^[A-Za-z0-9.-]+$/.test(host)) return invalid(allowed);
  }
  const port = portText === undefined ? defaultPort : parsePort(portText);
  if (port === undefined || host === '') return invalid(allowed);
  return ok({ host, port });
}

/** [host][:port] with a literal host only: `7777` → [::]:7777, `1.2.3.4` → 1.2.3.4:0. */
export function parseSockAddr(text: string): ValueResult<SockAddr> {
  const allowed = '[address][:port] with a literal address, e.g. 7654, 0.0.0.0:7654 or [::1]:7654';
  if (/^[0-9]+$/.test(text)) {
    const port = parsePort(text);
    return port === undefined ? invalid(allowed) : ok({ address: '::', port });
  }
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(text);
  if (bracketed) {
    const address = bracketed[1] ?? '';
    const port = bracketed[2] === undefined ? 0 : parsePort(bracketed[2]);
    return isIPv6(address) && port !== undefined ? ok({ address, port }) : invalid(allowed);
  }
  const colon = text.lastIndexOf(':');
  const address = colon < 0 ? text : text.slice(0, colon) || '::';
  const port = colon < 0 ? 0 : parsePort(text.slice(colon + 1));
  return (isIPv4(address) || address === '::') && port !== undefined ? ok({ address, port }) : invalid(allowed);
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
