// Invite links (DESIGN.md "Invites"): `kith://join?...` carries everything a computer needs to join
// a community, key included — the key is the point of an invite, so links are never logged. Pure
// (URL and URLSearchParams only) so the renderer can use it for QR codes as well. Decoding checks
// the link's shape; the option values are checked like any other settings (network-settings.ts).
import { err, ok, type Result } from '../result.js';
import type { NetworkSettings } from './api.js';
import { ADDRESS_MODES, CIPHERS, COMPRESSIONS, oneOf } from './setting-choices.js';

/** What an invite carries: the network settings minus this computer's own name. */
export type InviteContents = Omit<NetworkSettings, 'description'>;

export type InviteDecodeError = 'not-an-invite' | 'newer-version' | 'malformed';

export const INVITE_VERSION = 1;

/** Far beyond any real invite; keeps decoding of pasted junk cheap. */
const MAX_LINK_LENGTH = 4096;
const MAX_SUPERNODES = 16;

// Short parameter names keep the QR code small.
const P = { version: 'v', community: 'c', key: 'k', cipher: 'cipher', compression: 'comp', headerEncryption: 'he', supernode: 'sn', addressMode: 'addr', address: 'ip' } as const;

/** Fields of `invite` beyond InviteContents (e.g. a description) are left out. */
export function encodeInvite(invite: InviteContents): string {
  const params = new URLSearchParams();
  params.set(P.version, String(INVITE_VERSION));
  params.set(P.community, invite.community);
  if (invite.key !== '') params.set(P.key, invite.key);
  params.set(P.cipher, invite.cipher);
  params.set(P.compression, invite.compression);
  params.set(P.headerEncryption, invite.headerEncryption ? '1' : '0');
  for (const supernode of invite.supernodes) params.append(P.supernode, supernode);
  params.set(P.addressMode, invite.addressMode);
  if (invite.addressMode === 'static' && invite.address !== '') params.set(P.address, invite.address);
  return `kith://join?${params.toString()}`;
}

/** An absent parameter takes the schema default; a present but unknown one is refused. */
function chosen<T extends string>(words: readonly T[], value: string | null, fallback: T): T | undefined {
  return value === null ? fallback : oneOf(words, value, undefined);
}

/** The settings in a link, or a plain-language reason it cannot be used. */
export function decodeInvite(link: string): Result<InviteContents, InviteDecodeError> {
  const text = link.trim();
  if (text.length > MAX_LINK_LENGTH) return err('malformed', 'This link is too long to be a Kith invite.');
  if (!text.toLowerCase().startsWith('kith://join') || !URL.canParse(text)) {
    return err('not-an-invite', 'This is not a Kith invite link (it should start with kith://join?).');
  }
  const url = new URL(text);
  if (url.hostname !== 'join' || (url.pathname !== '' && url.pathname !== '/')) {
    return err('not-an-invite', 'This is not a Kith invite link (it should start with kith://join?).');
  }
  const params = url.searchParams;
  const version = Number(params.get(P.version) ?? '');
  if (!Number.isInteger(version) || version < 1) return err('malformed', 'The invite link is incomplete: it has no version.');
  if (version > INVITE_VERSION) return err('newer-version', 'This invite was made by a newer version of Kith; update Kith to join.');

  const community = params.get(P.community) ?? '';
  if (community === '') return err('malformed', 'The invite link is incomplete: it names no community.');
  const supernodes = params.getAll(P.supernode).filter((supernode) => supernode !== '');
  if (supernodes.length === 0) return err('malformed', 'The invite link is incomplete: it names no supernode.');
  if (supernodes.length > MAX_SUPERNODES) return err('malformed', `The invite link names more than ${MAX_SUPERNODES} supernodes.`);
  const cipher = chosen(CIPHERS, params.get(P.cipher), 'null');
  if (cipher === undefined) return err('malformed', `The invite's cipher is unknown; Kith knows ${CIPHERS.join(', ')}.`);
  const compression = chosen(COMPRESSIONS, params.get(P.compression), 'none');
  if (compression === undefined) return err('malformed', `The invite's compression is unknown; Kith knows ${COMPRESSIONS.join(', ')}.`);
  const headerEncryption = params.get(P.headerEncryption);
  if (headerEncryption !== null && headerEncryption !== '0' && headerEncryption !== '1') {
    return err('malformed', 'The invite says neither yes nor no to header encryption.');
  }
  const addressMode = chosen(ADDRESS_MODES, params.get(P.addressMode), 'auto');
  if (addressMode === undefined) return err('malformed', `The invite's address mode is unknown; Kith knows ${ADDRESS_MODES.join(', ')}.`);
  return ok({
    community,
    key: params.get(P.key) ?? '',
    cipher,
    compression,
    headerEncryption: headerEncryption === '1',
    supernodes,
    addressMode,
    address: addressMode === 'static' ? (params.get(P.address) ?? '') : '',
  });
}
