// The configuration schema: n3n's sections and options (CONFIG.md §6), described once. The INI
// loader, `-O` overrides, `help config`, config dumps and the desktop settings form (each option's
// `form`, settings-form.ts) all read it. Browser-safe: the window reads it too.
import { option, type OptionSpec, type Role, type ValueOf } from './option.js';

/** PROTOCOL.md §1.1. */
export const DEFAULT_SUPERNODE_PORT = 7654;

interface SectionSpec {
  readonly description: string;
  /** The one daemon whose section it is; when unset, options say so one by one (OptionSpec.role). */
  readonly role?: Role;
  readonly options: Readonly<Record<string, OptionSpec<unknown, unknown>>>;
}

export const schema = {
  auth: {
    description: 'User/password authentication (edge)',
    role: 'edge',
    options: {
      password: option.secret({
        description: 'Password for user/password login; the user name is connection.description',
        help: 'Turns on user/password authentication, which forces header encryption and needs the ChaCha20 or Speck cipher.',
        edge: undefined,
      }),
      pubkey: option.string({
        description: "The federation's public key (output of `kith-edge tools keygen <federation>`)",
        help: 'Without it, the key of the default federation name "Federation" is used, which is only fit for testing.',
        edge: undefined,
        maxBytes: 43,
      }),
    },
  },
  community: {
    description: 'The virtual network to join',
    role: 'edge',
    options: {
      cipher: option.choice(['null', 'AES', 'ChaCha20', 'Speck', 'Twofish'] as const, {
        description: 'Payload cipher',
        help: 'All edges of a community must use the same cipher and key. A key without a cipher selects AES.',
        edge: 'null',
        supernode: undefined,
        form: {
          field: 'cipher',
          label: 'Encryption',
          order: 30,
          kind: 'choice',
          choices: { AES: 'AES', ChaCha20: 'ChaCha20', Speck: 'Speck', Twofish: 'Twofish', null: 'None (not encrypted)' },
          warnings: { null: 'Traffic in this network will not be encrypted: anyone on the way between the computers can read it.' },
          invite: 'cipher',
        },
      }),
      compression: option.choice(['none', 'lzo', 'zstd'] as const, {
        description: 'Payload compression',
        help: 'Frames are sent compressed only when that makes them shorter. Every n3n edge can read lzo; zstd only some builds.',
        edge: 'none',
        supernode: undefined,
        form: { field: 'compression', label: 'Compression', order: 40, kind: 'choice', choices: { none: 'None', lzo: 'lzo', zstd: 'zstd' }, invite: 'comp' },
      }),
      header_encryption: option.choice(['true', 'false', 'unknown'] as const, {
        description: 'Encrypt packet headers',
        help: 'All edges of a community must agree, and the supernode must list the community by name.',
        edge: 'false',
        supernode: 'unknown',
        form: {
          field: 'headerEncryption',
          label: 'Encrypt packet headers too',
          order: 50,
          kind: 'toggle',
          help: 'Hides the network name and addresses in each packet. Every computer of the network must agree.',
          invite: 'he',
        },
      }),
      key: option.secret({
        description: 'Shared payload key; without one traffic is not encrypted',
        help: 'Given on the command line (-k), other local users can read it until the edge has started; community.key_file (-K) keeps it off the command line.',
        edge: undefined,
        form: { field: 'key', label: 'Network key', order: 20, kind: 'secret', help: 'The secret every computer of the network shares; it encrypts the traffic.', invite: 'k' },
      }),
      key_file: option.string({
        description: 'File holding community.key (first line), readable by its owner only',
        help: 'Instead of community.key, so the key is in no command line or config file. The file must not be readable by group or others (chmod 600).',
        edge: undefined,
      }),
      name: option.string({
        description: 'Community (network) name, at most 19 bytes',
        edge: undefined,
        maxBytes: 19,
        form: { field: 'community', label: 'Network name', order: 10, kind: 'text', required: true, example: 'kith-home', help: 'The same on every computer of the network.', invite: 'c' },
      }),
      supernode: option.hostList({
        description: 'Supernode to use (repeatable), host[:port], port 7654 by default',
        defaultPort: DEFAULT_SUPERNODE_PORT,
        form: {
          field: 'supernodes',
          label: 'Meeting points',
          order: 60,
          kind: 'lines',
          required: true,
          example: 'sn.example.org:7654',
          help: 'The supernodes that introduce the computers to each other: one per line, as host:port.',
          invite: 'sn',
        },
      }),
    },
  },
  connection: {
    description: 'How this node talks to the network',
    options: {
      advertise_addr: option.ipv4OrAuto({
        description: 'Local address advertised to peers for direct LAN paths',
        help: 'Use it where multicast discovery cannot work; "auto" keeps multicast discovery.',
        edge: 'auto',
        supernode: '0.0.0.0',
      }),
      allow_p2p: option.bool({ description: 'Allow direct peer-to-peer traffic', edge: true, supernode: false, role: 'edge' }),
      bind: option.sockAddr({
        description: 'Local UDP address and port; the supernode also listens on TCP there',
        edge: undefined,
        supernode: { address: '::', port: DEFAULT_SUPERNODE_PORT },
      }),
      connect_tcp: option.bool({ description: 'Reach the supernode over TCP (then direct paths are off)', edge: false, role: 'edge' }),
      description: option.string({
        description: 'Name shown to others, at most 15 bytes; the user name for user/password login',
        edge: undefined,
        maxBytes: 15,
        role: 'edge',
        form: { field: 'description', label: "This computer's name", order: 90, kind: 'text', help: 'The name the others see for this computer.' },
      }),
      pmtu_discovery: option.bool({ description: 'Set the do-not-fragment bit on tunnel packets', edge: false, role: 'edge' }),
      register_interval: option.uint({ description: 'Seconds between registrations with the supernode', edge: 20, supernode: 0, role: 'edge' }),
      register_pkt_ttl: option.uint({
        description: 'IP TTL of hole-punching registrations (0 = system default)',
        edge: 0,
        max: 255,
        role: 'edge',
      }),
      supernode_selection: option.choice(['load', 'rtt', 'mac'] as const, {
        description: 'How the edge picks among several supernodes',
        edge: 'load',
        supernode: undefined,
        role: 'edge',
      }),
      tos: option.uint({ description: 'IP type-of-service of tunnel packets, e.g. 0x48', edge: 0, max: 255, role: 'edge' }),
    },
  },
  daemon: {
    description: 'Process settings',
    options: {
      userid: option.string({ description: 'User to run as after set-up (name or number)', edge: undefined }),
      groupid: option.string({ description: 'Group to run as after set-up (name or number)', edge: undefined }),
      background: option.bool({ description: 'Run in the background and log to syslog', edge: false }),
    },
  },
  filter: {
    description: 'Which frames the edge forwards',
    role: 'edge',
    options: {
      allow_multicast: option.bool({ description: 'Forward multicast frames (needed for IPv6 neighbour discovery)', edge: false }),
      allow_routing: option.bool({ description: 'Accept IP packets not addressed to this edge (routing, bridging, DHCP)', edge: false }),
      rule: option.stringList({ description: 'Traffic rule (repeatable): src[/len][:ports],dst[/len][:ports],TCP±,UDP±,ICMP±' }),
    },
  },
  logging: {
    description: 'Diagnostics',
    options: {
      verbose: option.uint({ description: 'Log level: 0 errors, 1 warnings, 2 normal, 3 info, 4 debug', edge: 2 }),
    },
  },
  management: {
    description: 'The management API (JSON-RPC over HTTP)',
    options: {
      enable_debug_pages: option.bool({ description: 'Serve the debug pages', edge: false }),
      password: option.secret({
        description: "Password for management calls that change state; the default is n3n's well-known n3n",
        help: 'The unix socket accepts the default (its file mode decides who may connect); a management TCP port never does: it then asks for a random password, kept 0600 in mgmt-password beside the management socket.',
        edge: 'n3n',
      }),
      password_file: option.string({
        description: 'File holding management.password (first line), readable by its owner only',
        help: 'Instead of management.password, so the password is in no command line or config file. The file must not be readable by group or others (chmod 600).',
        edge: undefined,
      }),
      port: option.uint({ description: 'TCP port of the management API on the loopback address (0 = off)', edge: 0, max: 65535 }),
      unix_sock_perms: option.uint({ description: 'File mode of the management socket, octal with a leading 0 (0 = as created)', edge: 0 }),
    },
  },
  supernode: {
    description: 'Supernode settings',
    role: 'supernode',
    options: {
      auto_ip_max: option.ipv4Net({ description: 'Last subnet of the automatic address pool', edge: { address: '0.0.0.0', prefix: 0 }, supernode: { address: '10.255.255.0', prefix: 24 } }),
      auto_ip_min: option.ipv4Net({ description: 'First subnet of the automatic address pool', edge: { address: '0.0.0.0', prefix: 0 }, supernode: { address: '10.128.0.0', prefix: 24 } }),
      broadcast_bytes_per_address: option.uint({
        description: "Bytes per second one sender's broadcasts may be copied into (0 = no limit)",
        help: 'Bounds what one broadcast can make the supernode send; a burst of two seconds is allowed.',
        edge: 0,
        supernode: 1_048_576,
      }),
      communities_per_address: option.uint({ description: 'New communities one source address may create per minute (0 = no limit)', edge: 0, supernode: 16 }),
      community_file: option.string({ description: 'File listing the allowed communities and users', edge: undefined }),
      edges_per_address: option.uint({
        description: 'Edges one source address may register in one community (0 = no limit)',
        help: 'Edges behind one NAT router share its address: raise it for a larger office behind one address.',
        edge: 0,
        supernode: 32,
      }),
      federation: option.string({
        description: 'Secret name of the supernode federation, at most 18 bytes',
        help: "Without it the supernode federates with no one. n3n's default name Federation is not used unless set here.",
        edge: undefined,
        maxBytes: 18,
      }),
      macaddr: option.mac({ description: "The supernode's MAC address (random when unset)", edge: undefined }),
      peer: option.hostList({ description: 'Another supernode of the federation (repeatable)', defaultPort: DEFAULT_SUPERNODE_PORT }),
      registrations_per_address: option.uint({ description: 'New edges or address requests per source address per minute (0 = no limit)', edge: 0, supernode: 60 }),
      registrations_per_community: option.uint({ description: 'New edges one community may gain per minute (0 = no limit)', edge: 0, supernode: 1200 }),
      spoofing_protection: option.bool({ description: 'Refuse registrations that reuse another edge\'s MAC or address', edge: false, supernode: true }),
      tcp_connections_per_address: option.uint({ description: 'TCP connections one source address may hold open (0 = no limit)', edge: 0, supernode: 16 }),
      version: option.string({ description: 'Version string sent to edges, at most 19 bytes', edge: undefined, maxBytes: 19 }),
    },
  },
  test: {
    description: 'Built-in self-tests',
    options: {
      benchmark_seconds: option.uint({ description: 'Duration of each benchmark', edge: 1, supernode: 0 }),
      output_format: option.choice(['pretty', 'raw'] as const, { description: 'Output style of the self-tests', edge: 'pretty' }),
    },
  },
  tuntap: {
    description: 'The virtual network interface (edge)',
    role: 'edge',
    options: {
      address: option.ipv4Net({
        description: 'Static IPv4 address/prefix of the interface',
        edge: { address: '0.0.0.0', prefix: 24 },
        supernode: { address: '0.0.0.0', prefix: 0 },
        form: { field: 'address', label: 'Fixed address', order: 80, kind: 'text', example: '10.0.0.5/24', onlyWhen: { field: 'addressMode', is: 'static' }, invite: 'ip' },
      }),
      address_mode: option.choice(['auto', 'static', 'dhcp'] as const, {
        description: 'auto: assigned by the supernode; static: tuntap.address; dhcp: left to a DHCP client',
        edge: 'auto',
        form: {
          field: 'addressMode',
          label: "This computer's address in the network",
          order: 70,
          kind: 'radio',
          choices: { auto: 'Automatic', static: 'Fixed', dhcp: 'DHCP' },
          invite: 'addr',
        },
      }),
      macaddr: option.mac({ description: 'MAC address of the interface (random when unset)', edge: undefined }),
      metric: option.uint({ description: 'Interface metric (Windows)', edge: 0 }),
      mtu: option.uint({ description: 'Interface MTU', edge: 1290, supernode: 0, max: 65535 }),
      name: option.string({ description: 'Interface name (defaults to the session name)', edge: undefined, maxBytes: 15 }),
    },
  },
} as const satisfies Readonly<Record<string, SectionSpec>>;

export type Schema = typeof schema;
export type SectionName = keyof Schema;

/** An option as n3n names it: `section.option`. */
export type OptionName = { [S in SectionName]: `${S}.${keyof Schema[S]['options'] & string}` }[SectionName];

/** The fully typed configuration, derived from the schema. */
export type KithConfig = {
  -readonly [S in SectionName]: { -readonly [O in keyof Schema[S]['options']]: ValueOf<Schema[S]['options'][O]> };
};

export function sectionSpec(section: string): SectionSpec | undefined {
  return Object.hasOwn(schema, section) ? (schema as Record<string, SectionSpec>)[section] : undefined;
}

/** Whether a daemon of this role reads the option (`help config` shows each daemon its own). */
export function usedBy(role: Role, section: string, name: string): boolean {
  const owner = sectionSpec(section)?.role ?? optionSpec(section, name)?.role;
  return owner === undefined || owner === role;
}

export function optionSpec(section: string, name: string): OptionSpec<unknown, unknown> | undefined {
  const spec = sectionSpec(section);
  return spec !== undefined && Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
}
