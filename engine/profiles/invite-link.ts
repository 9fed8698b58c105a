// Invite links (DESIGN.md "Invites"): `kith://join?...` carries everything a computer needs to join
// a community, key included — the key is the point of an invite, so links are never logged. Pure
// (URL and URLSearchParams only) so the renderer can use it for QR codes as well. Decoding checks
// the link's shape and what a link from a stranger must not do to this computer: point the edge at
// a supernode on this computer itself, or give its TAP an address that would route the host's own
// traffic into the VPN (tap-address-rules.ts); the option values are then checked like any other
// settings (network-settings.ts). inviteSummary words it for the confirmations people see first (the
// window's, through kith.invite.describe, and Electron's for kith:// links).
import { checkTapAddress, parseTapAddress } from '../config/tap-address-rules.js';
import { err, ok, type Result } from '../../shared/result.js';
import { DEFAULT_SUPERNODE_PORT, schema } from '../../shared/config/schema.js';
import { isIPv4 } from '../../shared/config/ip-literal.js';
import { parseHostPort } from '../../shared/config/values.js';
import { formField, type InviteField } from '../../shared/config/settings-form.js';
import type { InviteSummary, NetworkSettings } from './api.js';
import { decodeAccess, encodeAccess, type InviteAccess } from './invite-access.js';

/**
 * What an invite carries: the settings whose schema option names an invite parameter (not this
 * computer's own name), and for a network hosted on the inviter's computer the joining device's own
 * login (invite-access.ts).
 */
export type InviteContents = Pick<NetworkSettings, InviteField> & { readonly access?: InviteAccess };

export type InviteDecodeError = 'not-an-invite' | 'newer-version' | 'malformed' | 'unsafe' | 'expired';

export const INVITE_VERSION = 1;

/** Far beyond any real invite; keeps decoding of pasted junk cheap. */
const MAX_LINK_LENGTH = 4096;
const MAX_SUPERNODES = 16;

const CIPHERS = schema.community.options.cipher.words;
const COMPRESSIONS = schema.community.options.compression.words;
const ADDRESS_MODES = schema.tuntap.options.address_mode.words;

/** A field's parameter, as its schema option names it (short names keep the QR code small). */
const param = (field: InviteField): string => formField(field).form.invite ?? field;
const P = {
  version: 'v',
  community: param('community'),
  key: param('key'),
  cipher: param('cipher'),
  compression: param('compression'),
  headerEncryption: param('headerEncryption'),
  supernode: param('supernodes'),
  addressMode: param('addressMode'),
  address: param('address'),
};

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
  if (invite.access !== undefined) encodeAccess(params, invite.access);
  return `kith://join?${params.toString()}`;
}

/** The host of `host[:port]`, `[v6]:port` or a bare IPv6 address. */
function hostOf(supernode: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(supernode);
  if (bracketed) return bracketed[1] ?? '';
  const colons = supernode.split(':').length - 1;
  return colons === 1 ? supernode.slice(0, supernode.indexOf(':')) : supernode;
}

const inLoopbackOrThisNetwork = (firstOctet: number): boolean => firstOctet === 127 || firstOctet === 0;

/**
 * A supernode on this computer itself: localhost names, 127/8 and 0/8 (which reach this host too)
 * in any spelling the resolver accepts (127.1, 0x7f.0.0.1, 2130706433: the URL parser reads them
 * as the resolver does), ::1, :: and IPv4-mapped forms of those.
 */
export function isLoopbackSupernode(supernode: string): boolean {
  const host = hostOf(supernode.trim());
  let name: string;
  try {
    name = new URL(`http://${host.includes(':') ? `[${host}]` : host}/`).hostname.replace(/\.$/, '');
  } catch {
    return false; // not a host at all: the settings check refuses it
  }
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = /^(\d+)\.\d+\.\d+\.\d+$/.exec(name);
  if (v4) return inLoopbackOrThisNetwork(Number(v4[1]));
  if (name === '[::1]' || name === '[::]') return true;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}\]$/.exec(name);
  return mapped !== null && inLoopbackOrThisNetwork(Number.parseInt(mapped[1] ?? '', 16) >> 8);
}

/**
 * Why a supernode named in an invite cannot be used, in words (undefined when it can): it must read
 * as the settings read it (a name, an IPv4 address, an IPv6 address bare or as [v6]:port, no zone),
 * and digits and dots that make no IPv4 address are named as what they are, not looked up as a name.
 */
export function supernodeProblem(supernode: string): string | undefined {
  const shown = visibleText(supernode);
  const parsed = parseHostPort(supernode, DEFAULT_SUPERNODE_PORT);
  if (!parsed.ok) return `The invite's supernode ${shown} cannot be used; it must be ${parsed.detail ?? 'host:port'}.`;
  if (/^[0-9.]+$/.test(parsed.value.host) && !isIPv4(parsed.value.host)) return `The invite's supernode ${shown} is neither an IPv4 nor an IPv6 address.`;
  return undefined;
}

/** An absent parameter takes the schema default; a present but unknown one is refused. */
function chosen<T extends string>(words: readonly T[], value: string | null, fallback: T): T | undefined {
  return value === null ? fallback : words.find((word) => word === value);
}

/** The settings in a link, or a plain-language reason it cannot be used. */
export function decodeInvite(link: string, nowSeconds: number = Math.floor(Date.now() / 1000)): Result<InviteContents, InviteDecodeError> {
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
  const local = supernodes.find(isLoopbackSupernode);
  if (local !== undefined) return err('unsafe', `The invite points at a supernode on this computer itself (${visibleText(local)}); an invite must name a supernode elsewhere.`);
  const unusable = supernodes.map(supernodeProblem).find((problem) => problem !== undefined);
  if (unusable !== undefined) return err('malformed', unusable);
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
  const address = addressMode === 'static' ? (params.get(P.address) ?? '') : '';
  if (addressMode === 'static') {
    // Without the administrator's allow-list, which only the engine reads: invites keep to the private ranges.
    const parsed = parseTapAddress(address);
    const refused = parsed.ok ? checkTapAddress(parsed.value) : { message: 'it must be a.b.c.d/len, e.g. 10.0.0.1/24' };
    if (refused !== undefined) return err('unsafe', `The invite's address cannot be used: ${visibleText(refused.message)}.`);
  }
  const access = decodeAccess(params, nowSeconds);
  if (!access.ok) return access;
  return ok({
    ...(access.value === undefined ? {} : { access: access.value }),
    community,
    key: params.get(P.key) ?? '',
    cipher,
    compression,
    headerEncryption: headerEncryption === '1',
    supernodes,
    addressMode,
    address,
  });
}

/**
 * Text from a link as people should see it: control, format (bidi overrides, zero-width) and
 * line/paragraph separator characters shown as [U+XXXX], so nothing hides or reorders what follows.
 */
export function visibleText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `[U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** What joining with an invite does, in words for its confirmation (never the key). */
export function inviteSummary(invite: InviteContents): InviteSummary {
  const cipher = invite.cipher === 'null' ? 'none' : invite.cipher;
  const header = invite.headerEncryption ? ' Packet headers are encrypted too.' : '';
  return {
    community: visibleText(invite.community),
    supernodes: invite.supernodes.map(visibleText).join(', '),
    address:
      invite.addressMode === 'static'
        ? `${invite.address}, fixed by the invite`
        : invite.addressMode === 'dhcp'
          ? 'one from a DHCP server in the network'
          : 'one the supernode assigns',
    encryption: invite.key === '' ? 'none: traffic in this network is not encrypted.' : `${cipher}, with the key in the link.${header}`,
    ...(invite.access === undefined
      ? {}
      : { access: `This computer joins as ${invite.access.user}; the invite works once, until ${new Date(invite.access.expires * 1000).toUTCString()}.` }),
  };
}
