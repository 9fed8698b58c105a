// The settings form's fields (api.ts NetworkSettings) against the one config schema: read them out
// of a KithConfig, check a change field by field with the schema's own option parsers, and put
// them back. Every refusal is a sentence naming what is allowed, for the form to show by the field.
import type { KithConfig } from '../config/schema.js';
import { optionSpec } from '../config/schema.js';
import { DEFAULT_SUPERNODE_PORT } from '../protocol/constants.js';
import { checkHostTapAddress } from '../config/tap-allow-list.js';
import { parseTapAddress } from '../config/tap-address-rules.js';
import { edgeSettings } from '../edge/settings.js';
import type { FieldError, NetworkSettings, SettingsField } from './api.js';
import { ADDRESS_MODES, CIPHERS, COMPRESSIONS, oneOf } from './setting-choices.js';

export type SettingsCheck = { readonly ok: true; readonly settings: NetworkSettings } | { readonly ok: false; readonly errors: readonly FieldError[] };

const LABELS: Readonly<Record<SettingsField, string>> = {
  community: 'The community name',
  key: 'The key',
  cipher: 'The cipher',
  compression: 'The compression',
  headerEncryption: 'Header encryption',
  supernodes: 'Each supernode',
  addressMode: 'The address mode',
  address: 'The static address',
  description: 'The computer name',
};

/** Which schema option each field is, for the schema's parser and its error texts. */
const OPTIONS: Readonly<Record<SettingsField, readonly [section: string, option: string]>> = {
  community: ['community', 'name'],
  key: ['community', 'key'],
  cipher: ['community', 'cipher'],
  compression: ['community', 'compression'],
  headerEncryption: ['community', 'header_encryption'],
  supernodes: ['community', 'supernode'],
  addressMode: ['tuntap', 'address_mode'],
  address: ['tuntap', 'address'],
  description: ['connection', 'description'],
};

/** An IPv6 supernode on the default port is written bare: the INI writer would quote `[v6]:port`. */
function supernodeText({ host, port }: { host: string; port: number }): string {
  if (!host.includes(':')) return `${host}:${port}`;
  return port === DEFAULT_SUPERNODE_PORT ? host : `[${host}]:${port}`;
}

export function settingsOf(config: KithConfig): NetworkSettings {
  const { community, tuntap, connection } = config;
  const addressMode = oneOf(ADDRESS_MODES, tuntap.address_mode, 'auto');
  return {
    community: community.name ?? '',
    key: community.key ?? '',
    cipher: oneOf(CIPHERS, community.cipher, 'null'),
    compression: oneOf(COMPRESSIONS, community.compression, 'none'),
    headerEncryption: community.header_encryption === 'true',
    supernodes: community.supernode.map(supernodeText),
    addressMode,
    address: addressMode === 'static' ? `${tuntap.address.address}/${tuntap.address.prefix}` : '',
    description: connection.description ?? '',
  };
}

/**
 * n3n's INI dialect has no quoting (CONFIG.md §5: `#` starts a comment, blanks are trimmed) and the
 * `ini` writer quotes or escapes these, so such text could not be read back as written.
 */
function iniProblem(text: string): string | undefined {
  if (/[#;=\r\n"'\\]/.test(text)) return 'cannot contain # ; = \\ quotes or line breaks';
  if (text.startsWith('[')) return `cannot start with [ (write an IPv6 supernode on port ${DEFAULT_SUPERNODE_PORT} without brackets)`;
  if (text !== text.trim()) return 'cannot start or end with a space';
  return undefined;
}

function parseWith(field: SettingsField, text: string): string | undefined {
  const [section, name] = OPTIONS[field];
  const parsed = optionSpec(section, name)?.parse(text);
  if (parsed === undefined || parsed.ok) return undefined;
  return `${LABELS[field]} must be ${parsed.detail ?? 'valid'}.`;
}

/** The rules kith-tap applies (tap-address-rules.ts): the form says no before the device would. */
function staticAddressProblem(text: string): string | undefined {
  const parsed = parseTapAddress(text);
  if (!parsed.ok) return 'The static address must be a.b.c.d/len, e.g. 10.0.0.1/24.';
  const refused = checkHostTapAddress(parsed.value);
  return refused === undefined ? undefined : `The static address ${refused.message}.`;
}

function fieldErrors(settings: NetworkSettings): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: SettingsField, message: string | undefined): void => void (message === undefined ? undefined : errors.push({ field, message }));
  const text = (field: SettingsField, value: string): string | undefined => {
    const unsafe = iniProblem(value);
    return unsafe === undefined ? parseWith(field, value) : `${LABELS[field]} ${unsafe}.`;
  };

  if (settings.community === '') add('community', 'The community name is needed: 1 to 19 bytes, e.g. kith-home.');
  else if (settings.community.startsWith('*')) add('community', 'The community name cannot start with * (reserved for supernode federations).');
  else add('community', text('community', settings.community));
  if (settings.key !== '') add('key', text('key', settings.key));
  add('cipher', parseWith('cipher', settings.cipher));
  if (settings.key !== '' && settings.cipher === 'null') add('cipher', 'With a key, choose a cipher: AES, ChaCha20, Speck or Twofish.');
  if (settings.key === '' && settings.cipher !== 'null') add('key', `The ${settings.cipher} cipher needs a key; or choose the null cipher (no encryption).`);
  add('compression', parseWith('compression', settings.compression));
  if (settings.supernodes.length === 0) add('supernodes', 'At least one supernode is needed, as host:port, e.g. sn.example.org:7654.');
  for (const supernode of settings.supernodes) {
    const problem = text('supernodes', supernode);
    if (problem !== undefined) {
      add('supernodes', `${problem.replace(/\.$/, '')} (${JSON.stringify(supernode)} is not).`);
      break;
    }
  }
  add('addressMode', parseWith('addressMode', settings.addressMode));
  if (settings.addressMode === 'static') {
    add('address', staticAddressProblem(settings.address));
  } else if (settings.address !== '') {
    add('address', 'Leave the static address empty unless the address mode is static.');
  }
  if (settings.description !== '') add('description', text('description', settings.description));
  return errors;
}

/** Maps the edge's own start-up check (option names in its message) to the field it concerns. */
function fieldOfEdgeProblem(detail: string): SettingsField {
  const fields = Object.keys(OPTIONS) as SettingsField[];
  return fields.find((field) => detail.includes(OPTIONS[field].join('.'))) ?? 'community';
}

/** `config` with the form's settings in place of its own; the rest of it (and the input) unchanged. */
export function configWith(config: KithConfig, settings: NetworkSettings): KithConfig {
  const next = structuredClone(config);
  next.community.name = settings.community;
  next.community.key = settings.key === '' ? undefined : settings.key;
  next.community.cipher = settings.cipher;
  next.community.compression = settings.compression;
  next.community.header_encryption = settings.headerEncryption ? 'true' : 'false';
  next.community.supernode = settings.supernodes.map((text) => {
    const parsed = optionSpec('community', 'supernode')?.parse(text);
    return parsed?.ok === true ? (parsed.value as KithConfig['community']['supernode'][number]) : { host: text, port: 0 };
  });
  next.tuntap.address_mode = settings.addressMode;
  if (settings.addressMode === 'static') {
    const parsed = optionSpec('tuntap', 'address')?.parse(settings.address);
    if (parsed?.ok === true) next.tuntap.address = parsed.value as KithConfig['tuntap']['address'];
  }
  next.connection.description = settings.description === '' ? undefined : settings.description;
  return next;
}

/**
 * The current settings with `changes` applied, checked field by field and then as a whole by the
 * edge's start-up validation (which knows, e.g., that user/password login needs ChaCha20 or Speck).
 */
export function checkSettings(config: KithConfig, changes: Partial<NetworkSettings>): SettingsCheck {
  const settings: NetworkSettings = { ...settingsOf(config), ...changes };
  const errors = fieldErrors(settings);
  if (errors.length > 0) return { ok: false, errors };
  const runnable = edgeSettings(configWith(config, settings));
  if (!runnable.ok) {
    const detail = runnable.detail ?? 'These settings cannot be used.';
    return { ok: false, errors: [{ field: fieldOfEdgeProblem(detail), message: detail }] };
  }
  return { ok: true, settings };
}

/** The INI options the form owns, as written to a profile file; absent = option left out. */
export function iniOptionsOf(settings: NetworkSettings): Readonly<Record<string, Readonly<Record<string, string | readonly string[] | undefined>>>> {
  return {
    community: {
      name: settings.community,
      key: settings.key === '' ? undefined : settings.key,
      cipher: settings.cipher,
      compression: settings.compression,
      header_encryption: settings.headerEncryption ? 'true' : 'false',
      supernode: settings.supernodes,
    },
    tuntap: { address_mode: settings.addressMode, address: settings.addressMode === 'static' ? settings.address : undefined },
    connection: { description: settings.description === '' ? undefined : settings.description },
  };
}
