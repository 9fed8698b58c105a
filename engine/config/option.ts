// Builders for option specifications. An option is described once — type, defaults, help text,
// parser and renderer — and the loader, `-O` overrides, `help config` and dumps all read that.
import { isIPv4 } from 'node:net';
import { err, ok } from '../result.js';
import {
  formatMac,
  parseBool,
  parseEnum,
  parseHostPort,
  parseIpv4Net,
  parseMac,
  parseSockAddr,
  parseString,
  parseUint,
  type HostPort,
  type Ipv4Net,
  type SockAddr,
  type ValueResult,
} from './values.js';

export type Role = 'edge' | 'supernode';

export interface OptionSpec<T, Element = T> {
  /** Type name shown in help output. */
  readonly type: string;
  readonly description: string;
  readonly help?: string;
  readonly defaults: Readonly<Record<Role, T>>;
  /** Repeatable options accumulate parsed elements instead of replacing the value. */
  readonly repeatable: boolean;
  /** Secrets never appear in dumps or logs. */
  readonly secret: boolean;
  /** The one daemon that reads it; both when unset (and both accept it either way, CONFIG.md §1). */
  readonly role?: Role;
  parse(text: string): ValueResult<Element>;
  /** The text written in dumps; undefined when the option has no renderable value. */
  format(value: T): string | undefined;
}

interface Common<T> {
  readonly description: string;
  readonly help?: string;
  readonly edge: T;
  /** Supernode default when it differs from the edge's. */
  readonly supernode?: T;
  readonly role?: Role;
}

function single<T>(type: string, c: Common<T>, parse: (text: string) => ValueResult<T>, format: (value: T) => string | undefined, secret = false): OptionSpec<T> {
  return {
    type,
    description: c.description,
    ...(c.help === undefined ? {} : { help: c.help }),
    defaults: { edge: c.edge, supernode: 'supernode' in c ? c.supernode : c.edge },
    repeatable: false,
    secret,
    ...(c.role === undefined ? {} : { role: c.role }),
    parse,
    format,
  };
}

function list<Element>(
  type: string,
  c: { readonly description: string; readonly help?: string },
  parse: (text: string) => ValueResult<Element>,
  format: (value: readonly Element[]) => string | undefined,
): OptionSpec<readonly Element[], Element> {
  return {
    type: `${type}, repeatable`,
    description: c.description,
    ...(c.help === undefined ? {} : { help: c.help }),
    defaults: { edge: [], supernode: [] },
    repeatable: true,
    secret: false,
    parse,
    format,
  };
}

const text = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** host:port, with an IPv6 literal in brackets. */
const hostPortText = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const option = {
  bool: (c: Common<boolean>) => single('bool', c, parseBool, String),
  uint: (c: Common<number> & { readonly max?: number }) => single('uint', c, (t) => parseUint(t, c.max), String),
  string: (c: Common<string | undefined> & { readonly maxBytes?: number }) =>
    single<string | undefined>('string', c, (t) => parseString(t, c.maxBytes), text),
  secret: (c: Common<string | undefined>) => single<string | undefined>('secret', c, (t) => parseString(t), () => undefined, true),
  choice: <W extends string>(words: readonly W[], c: Common<W | undefined>) =>
    single<W | undefined>(words.join('|'), c, (t) => parseEnum(t, words), (v) => v),
  ipv4Net: (c: Common<Ipv4Net>) => single('ipnet', c, (t) => parseIpv4Net(t), (v) => `${v.address}/${v.prefix}`),
  sockAddr: (c: Common<SockAddr | undefined>) =>
    single<SockAddr | undefined>('sockaddr', c, parseSockAddr, (v) => (v === undefined ? undefined : hostPortText(v.address, v.port))),
  ipv4OrAuto: (c: Common<string>) =>
    single('auto|ipv4', c, (t) => (t === 'auto' || isIPv4(t) ? ok(t) : err('invalid-value', 'auto or an IPv4 address')), (v) => v),
  mac: (c: Common<Uint8Array | undefined>) =>
    single<Uint8Array | undefined>('mac', c, parseMac, (v) => (v === undefined ? undefined : formatMac(v))),
  hostList: (c: { readonly description: string; readonly help?: string; readonly defaultPort: number }) =>
    list<HostPort>('host[:port]', c, (t) => parseHostPort(t, c.defaultPort), (v) => v.map((h) => hostPortText(h.host, h.port)).join(',')),
  stringList: (c: { readonly description: string; readonly help?: string }) =>
    list<string>('string', c, (t) => parseString(t), () => undefined),
};

/** The value type an option spec produces. */
export type ValueOf<S> = S extends OptionSpec<infer T, unknown> ? T : never;
