// Validates a KithConfig for the edge once, at construction, and turns it into the settings the
// engine runs with. Every refusal names the option and what would be accepted (CONFIG.md §6,
// "Edge start-up validation"; PROTOCOL.md §7.3 for user/password).
import { hostname } from 'node:os';
import { decodeAsciiKey } from '../crypto/ascii-key.js';
import { resolveCipher } from '../crypto/transforms/index.js';
import type { CipherName } from '../crypto/transform.js';
import { federationPrivateKey, publicKeyOf } from '../crypto/user-password.js';
import type { CompressionName } from '../compress/index.js';
import { parseCompressionName } from '../compress/index.js';
import type { KithConfig, OptionName } from '../../shared/config/schema.js';
import { checkHostTapAddress } from '../config/tap-allow-list.js';
import type { HostPort, SockAddr } from '../../shared/config/values.js';
import { communityFieldFromName } from '../protocol/index.js';
import type { IpSubnet } from '../protocol/index.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

export type AddressMode = 'auto' | 'static' | 'dhcp';
export type SelectionStrategy = 'load' | 'rtt' | 'mac';

export interface UserPasswordSettings {
  /** The user name is the description (PROTOCOL.md §7.3). */
  readonly username: string;
  readonly password: string;
  /** The federation's 32-byte public key (auth.pubkey, or the default federation's). */
  readonly federationPublicKey: Uint8Array;
}

export interface EdgeSettings {
  readonly communityName: string;
  readonly communityField: Uint8Array;
  readonly cipher: CipherName;
  /** Raw bytes of community.key; empty for the null cipher. */
  readonly key: Uint8Array;
  readonly compression: CompressionName;
  readonly headerEncryption: boolean;
  readonly supernodes: readonly HostPort[];
  readonly description: string;
  readonly addressMode: AddressMode;
  /** tuntap.address: the address in static mode; its prefix is also the one asked for in auto mode. */
  readonly staticAddress: IpSubnet;
  readonly registerIntervalMs: number;
  readonly registerTtl: number;
  readonly allowP2p: boolean;
  readonly allowMulticast: boolean;
  readonly allowRouting: boolean;
  /** connection.advertise_addr; undefined = auto (multicast discovery instead, PROTOCOL.md §8.8). */
  readonly advertiseAddress: string | undefined;
  readonly selection: SelectionStrategy;
  readonly tcp: boolean;
  readonly bind: SockAddr | undefined;
  readonly userPassword: UserPasswordSettings | undefined;
}

/** The option at fault (n3n's name), so a form can mark its field. */
export type SettingsError = OptionName;

const ADDRESS_MODES: readonly AddressMode[] = ['auto', 'static', 'dhcp'];
const STRATEGIES: readonly SelectionStrategy[] = ['load', 'rtt', 'mac'];

const DEFAULT_FEDERATION = 'Federation';
const MAX_DESCRIPTION_BYTES = 15;
const encoder = new TextEncoder();

/** The host name cut to the 15 bytes a description can carry (PROTOCOL.md §1.3). */
function defaultDescription(): string {
  let name = hostname();
  while (encoder.encode(name).length > MAX_DESCRIPTION_BYTES) name = name.slice(0, -1);
  return name;
}

function federationPublicKey(pubkey: string | undefined): Result<Uint8Array, SettingsError> {
  if (pubkey === undefined) {
    // CONFIG.md [auth]: without auth.pubkey the default federation's key is used (testing only).
    const derived = publicKeyOf(federationPrivateKey(DEFAULT_FEDERATION));
    return derived.ok ? ok(derived.value) : err('auth.pubkey', 'cannot derive the default federation key');
  }
  const decoded = decodeAsciiKey(pubkey);
  if (!decoded.ok || decoded.value.length !== 32) {
    return err('auth.pubkey', 'auth.pubkey must be the 43-character key printed by `tools keygen <federation>`');
  }
  return ok(decoded.value);
}

export function edgeSettings(config: KithConfig): Result<EdgeSettings, SettingsError> {
  const { community, connection, tuntap, filter, auth } = config;
  if (community.name === undefined) return err('community.name', 'community.name is required');
  const field = communityFieldFromName(community.name);
  if (!field.ok) return err('community.name', `community.name: ${field.detail ?? 'invalid'}`);
  if (community.name.startsWith('*')) return err('community.name', 'community.name must not start with "*" (reserved for the federation)');
  if (community.supernode.length === 0) return err('community.supernode', 'community.supernode: at least one supernode is required');
  if (connection.register_interval < 1) return err('connection.register_interval', 'connection.register_interval must be at least 1 second');

  const key = community.key === undefined ? new Uint8Array(0) : encoder.encode(community.key);
  const cipher = resolveCipher(community.cipher === 'null' && key.length > 0 ? undefined : community.cipher, key);
  if (!cipher.ok) return err(cipher.error === 'cipher-needs-key' ? 'community.key' : 'community.cipher', cipher.detail ?? cipher.error);
  const compression = parseCompressionName(community.compression ?? 'none');
  if (!compression.ok) return err('community.compression', compression.error === 'zstd-unavailable' ? 'community.compression=zstd needs a zstd backend, which this build lacks' : (compression.detail ?? compression.error));

  if (filter.rule.length > 0) return err('filter.rule', 'filter.rule: traffic rules are not supported by this edge yet');
  const description = connection.description ?? defaultDescription();

  let userPassword: UserPasswordSettings | undefined;
  if (auth.password !== undefined) {
    // PROTOCOL.md §7.3 / CRYPTO.md §5.3: the user name is the description, the payload cipher must
    // be one whose IV the header encryption covers (ChaCha20 or Speck).
    if (cipher.value !== 'ChaCha20' && cipher.value !== 'Speck') {
      return err('community.cipher', 'auth.password (user/password login) requires community.cipher=ChaCha20 or Speck');
    }
    if (connection.description === undefined) return err('connection.description', 'auth.password requires connection.description (the user name)');
    const fedKey = federationPublicKey(auth.pubkey);
    if (!fedKey.ok) return fedKey;
    userPassword = { username: description, password: auth.password, federationPublicKey: fedKey.value };
  }
  if (community.header_encryption === 'unknown') return err('community.header_encryption', 'community.header_encryption must be true or false on an edge');
  const addressMode = ADDRESS_MODES.find((mode) => mode === tuntap.address_mode) ?? 'auto';
  // The TAP gets this address and, with it, a route (tap-address-rules.ts).
  const refused = addressMode === 'static' ? checkHostTapAddress(tuntap.address) : undefined;
  if (refused !== undefined) return err('tuntap.address', `tuntap.address: ${refused.message}`);

  return ok({
    communityName: community.name,
    communityField: field.value,
    cipher: cipher.value,
    key,
    compression: compression.value,
    // PROTOCOL.md §6: user/password forces header encryption on.
    headerEncryption: community.header_encryption === 'true' || userPassword !== undefined,
    supernodes: community.supernode,
    description,
    addressMode,
    staticAddress: { address: tuntap.address.address, prefix: tuntap.address.prefix },
    registerIntervalMs: connection.register_interval * 1000,
    registerTtl: connection.register_pkt_ttl,
    // PROTOCOL.md §1.2: in TCP mode every message goes through the supernode, so P2P is pointless.
    allowP2p: connection.allow_p2p && !connection.connect_tcp,
    allowMulticast: filter.allow_multicast,
    allowRouting: filter.allow_routing,
    advertiseAddress: connection.advertise_addr === 'auto' ? undefined : connection.advertise_addr,
    selection: STRATEGIES.find((strategy) => strategy === connection.supernode_selection) ?? 'load',
    tcp: connection.connect_tcp,
    bind: connection.bind,
    userPassword,
  });
}
