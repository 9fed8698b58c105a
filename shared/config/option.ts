// Builders for option specifications. An option is described once — type, defaults, help text,
// parser and renderer — and the loader, `-O` overrides, `help config` and dumps all read that.
import { err, ok } from '../result.js';
import { isIPv4 } from './ip-literal.js';
import {
  formatMac,
  parseBool,
  hostPortText,
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

/**
 * How the desktop's settings form shows an option: every field of `kith.settings` is one option
 * with this on it, so a new field is one edit here (shared/config/settings-form.ts derives the rest).
 * text/secret: a line of text ('' = unset); choice: a list box; radio: buttons; toggle: a check
 * box for true/false; lines: one value per line.
 */
export type FieldKind = 'text' | 'secret' | 'choice' | 'radio' | 'toggle' | 'lines';

export interface FormSpec<K extends FieldKind = FieldKind, W extends string = string> {
  /** The field's name in `kith.settings` (NetworkSettings). */
  readonly field: string;
  /** Plain words, for people who do not know n3n's option names (shown on a line below). */
  readonly label: string;
  /** Place in the form, lowest first. */
  readonly order: number;
  readonly kind: K;
  /** A plain-word line under the field. */
  readonly help?: string;
  /** An example value, shown in the empty field and in "is needed" messages. */
  readonly example?: string;
  /** The form refuses it empty. */
  readonly required?: boolean;
  /** Used only while another field has this value; empty (the option's default) otherwise. */
  readonly onlyWhen?: { readonly field: string; readonly is: string };
  /** The words as people see them, in the order shown (choice and radio). */
  readonly choices?: Readonly<Record<W, string>>;
  /** A plain warning shown while the field has this value. */
  readonly warnings?: Readonly<Partial<Record<W, string>>>;
  /** Its parameter in kith://join invites; without one it stays out of invites. */
  readonly invite?: string;
}

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
  /** The closed word list of a choice option. */
  readonly words?: readonly string[];
  readonly form?: FormSpec | undefined;
  parse(text: string): ValueResult<Element>;
  /** The text written to files (dumps leave secrets out); undefined when the option has no renderable value. */
  format(value: T): string | undefined;
}

interface Common<T, F> {
  readonly description: string;
  readonly help?: string;
  readonly edge: T;
  /** Supernode default when it differs from the edge's. */
  readonly supernode?: T;
  readonly role?: Role;
  readonly form?: F;
}

/** The spec's form, typed as written, for NetworkSettings (settings-form.ts). */
type Shown<F> = [F] extends [FormSpec] ? { readonly form: F } : { readonly form?: undefined };

function formOf<F>(c: { readonly form?: F }): Shown<F> {
  return (c.form === undefined ? {} : { form: c.form }) as Shown<F>;
}

function single<T, F>(
  type: string,
  c: Common<T, F>,
  parse: (text: string) => ValueResult<T>,
  format: (value: T) => string | undefined,
  secret = false,
): OptionSpec<T> & Shown<F> {
  return {
    type,
    description: c.description,
    ...(c.help === undefined ? {} : { help: c.help }),
    defaults: { edge: c.edge, supernode: 'supernode' in c ? (c.supernode) : c.edge },
    repeatable: false,
    secret,
    ...(c.role === undefined ? {} : { role: c.role }),
    parse,
    format,
    ...formOf(c),
  };
}

function list<Element, F>(
  type: string,
  c: { readonly description: string; readonly help?: string; readonly form?: F },
  parse: (text: string) => ValueResult<Element>,
  format: (value: readonly Element[]) => string | undefined,
): OptionSpec<readonly Element[], Element> & Shown<F> {
  return {
    type: `${type}, repeatable`,
    description: c.description,
    ...(c.help === undefined ? {} : { help: c.help }),
    defaults: { edge: [], supernode: [] },
    repeatable: true,
    secret: false,
    parse,
    format,
    ...formOf(c),
  };
}

const text = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** host:port, with an IPv6 literal in brackets. */

type TextForm = FormSpec<'text' | 'secret'>;

export const option = {
  bool: <const F extends FormSpec<'toggle'> | undefined = undefined>(c: Common<boolean, F>) => single<boolean, F>('bool', c, parseBool, String),
  uint: <const F extends TextForm | undefined = undefined>(c: Common<number, F> & { readonly max?: number }) =>
    single<number, F>('uint', c, (t) => parseUint(t, c.max), String),
  string: <const F extends TextForm | undefined = undefined>(c: Common<string | undefined, F> & { readonly maxBytes?: number }) =>
    single<string | undefined, F>('string', c, (t) => parseString(t, c.maxBytes), text),
  secret: <const F extends TextForm | undefined = undefined>(c: Common<string | undefined, F>) =>
    single<string | undefined, F>('secret', c, (t) => parseString(t), text, true),
  choice: <W extends string, const F extends FormSpec<'choice' | 'radio' | 'toggle', NoInfer<W>> | undefined = undefined>(words: readonly W[], c: Common<NoInfer<W> | undefined, F>) => ({
    ...single<W | undefined, F>(words.join('|'), c, (t) => parseEnum(t, words), (v) => v),
    words,
  }),
  ipv4Net: <const F extends TextForm | undefined = undefined>(c: Common<Ipv4Net, F>) =>
    single<Ipv4Net, F>('ipnet', c, (t) => parseIpv4Net(t), (v) => `${v.address}/${v.prefix}`),
  sockAddr: (c: Common<SockAddr | undefined, undefined>) =>
    single<SockAddr | undefined, undefined>('sockaddr', c, parseSockAddr, (v) => (v === undefined ? undefined : hostPortText(v.address, v.port))),
  ipv4OrAuto: (c: Common<string, undefined>) =>
    single('auto|ipv4', c, (t) => (t === 'auto' || isIPv4(t) ? ok(t) : err('invalid-value', 'auto or an IPv4 address')), (v) => v),
  mac: (c: Common<Uint8Array | undefined, undefined>) =>
    single<Uint8Array | undefined, undefined>('mac', c, parseMac, (v) => (v === undefined ? undefined : formatMac(v))),
  hostList: <const F extends FormSpec<'lines'> | undefined = undefined>(c: {
    readonly description: string;
    readonly help?: string;
    readonly defaultPort: number;
    readonly form?: F;
  }) => list<HostPort, F>('host[:port]', c, (t) => parseHostPort(t, c.defaultPort), (v) => v.map((h) => hostPortText(h.host, h.port)).join(',')),
  stringList: (c: { readonly description: string; readonly help?: string }) =>
    list<string, undefined>('string', c, (t) => parseString(t), () => undefined),
};

/** The value type an option spec produces. */
export type ValueOf<S> = S extends OptionSpec<infer T, unknown> ? T : never;
