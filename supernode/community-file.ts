// Reads the supernode's community list file (PROTOCOL.md §9.5, CONFIG.md §8): fixed community
// names with an optional auto-IP subnet, `* <user> <public key>` lines that turn the preceding
// fixed community into a user/password community, and name patterns.
import { readFileSync } from 'node:fs';
import { decodeAsciiKey } from '../engine/crypto/ascii-key.js';
import { err, ok, type Result } from '../shared/result.js';
import { ipv4ToNumber, type Subnet } from './auto-ip.js';
import { compileCommunityPattern, PATTERN_CHARACTERS } from './community-pattern.js';

export const MAX_COMMUNITY_NAME_BYTES = 19;
const MAX_USERNAME_BYTES = 15;

export interface CommunityUser {
  readonly name: string;
  readonly publicKey: Uint8Array;
}

export interface FixedCommunity {
  readonly name: string;
  /** Configured auto-IP subnet; undefined means "choose one from the pool". */
  readonly subnet: Subnet | undefined;
  readonly users: CommunityUser[];
}

export interface CommunityList {
  readonly fixed: FixedCommunity[];
  readonly patterns: RegExp[];
  /** Lines that were not usable, with why; n3n only warns about these, and so do we. */
  readonly warnings: string[];
}

export type CommunityFileError = 'unreadable' | 'no-entries';

function parseSubnet(text: string): Subnet | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix < 1 || prefix > 30) return undefined;
  const network = ipv4ToNumber(octets.join('.'));
  const hostBits = (0xffffffff >>> prefix) >>> 0;
  if (network === 0 || (network & hostBits) !== 0) return undefined;
  return { network, prefix };
}

export function parseCommunityList(text: string, fileName: string): Result<CommunityList, CommunityFileError> {
  const fixed: FixedCommunity[] = [];
  const patterns: RegExp[] = [];
  const warnings: string[] = [];
  let lastFixed: FixedCommunity | undefined;

  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const where = `${fileName}:${index + 1}`;
    if (line.length < 2 || line.startsWith('#')) return;
    const words = line.trim().split(/\s+/);
    const first = words[0] ?? '';

    if (first === '*' && lastFixed !== undefined) {
      const [, user = '', key = ''] = words;
      const publicKey = decodeAsciiKey(key);
      if (user === '' || Buffer.byteLength(user) > MAX_USERNAME_BYTES || !publicKey.ok || key.length !== 43) {
        warnings.push(`${where}: expected "* <user of at most 15 bytes> <43-character public key>"`);
        return;
      }
      lastFixed.users.push({ name: user, publicKey: publicKey.value });
      return;
    }

    if (PATTERN_CHARACTERS.test(first)) {
      const pattern = compileCommunityPattern(first);
      if (pattern.ok) patterns.push(pattern.value);
      else warnings.push(`${where}: ${pattern.detail ?? 'unusable pattern'}`);
      lastFixed = undefined;
      return;
    }

    // n3n truncates names to 19 bytes; refusing is clearer than silently admitting another name.
    if (Buffer.byteLength(first) > MAX_COMMUNITY_NAME_BYTES) {
      warnings.push(`${where}: community name ${first} is longer than ${MAX_COMMUNITY_NAME_BYTES} bytes`);
      lastFixed = undefined;
      return;
    }
    let subnet: Subnet | undefined;
    if (words[1] !== undefined) {
      subnet = parseSubnet(words[1]);
      if (subnet === undefined) warnings.push(`${where}: ${words[1]} is not a network address with prefix 1..30; choosing a subnet automatically`);
    }
    lastFixed = { name: first, subnet, users: [] };
    fixed.push(lastFixed);
  });

  if (fixed.length === 0 && patterns.length === 0) return err('no-entries', `${fileName}: no community names or patterns found`);
  return ok({ fixed, patterns, warnings });
}

export function loadCommunityList(path: string): Result<CommunityList, CommunityFileError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return err('unreadable', `${path}: cannot read the community file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseCommunityList(text, path);
}
