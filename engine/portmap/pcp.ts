// PCP (RFC 6887): MAP requests for IPv4 mappings through the router's NAT (the client address as an
// IPv4-mapped IPv6 address, §5) and for IPv6 firewall pinholes (§11), and ANNOUNCE to learn whether
// the router speaks PCP and its epoch (§14.1). Every MAP carries a random 96-bit nonce that the
// answer must echo (§11.1): an answer with another nonce, protocol or port is not ours and is
// ignored. Decoders never throw.
import { randomBytes } from 'node:crypto';
import { formatIpv4, formatIpv6, isIpv4Mapped, parseAddress } from '../protocol/address.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { Transport } from './types.js';

export const PCP_PORT = 5351;
const VERSION = 2;
const NATPMP_VERSION = 0;
const OP_ANNOUNCE = 0;
const OP_MAP = 1;
const RESPONSE_BIT = 0x80;
const HEADER = 24;
const MAP_DATA = 36;
const MAX_MESSAGE = 1100;
const IPPROTO: Record<Transport, number> = { tcp: 6, udp: 17 };

/** RFC 6887 §7.4 result codes, by name. */
export const PCP_RESULTS = [
  'success',
  'unsupported-version',
  'not-authorized',
  'malformed-request',
  'unsupported-opcode',
  'unsupported-option',
  'malformed-option',
  'network-failure',
  'no-resources',
  'unsupported-protocol',
  'user-exceeded-quota',
  'cannot-provide-external',
  'address-mismatch',
  'excessive-remote-peers',
] as const;
export type PcpResultName = (typeof PCP_RESULTS)[number] | 'unknown';

export type Nonce = Uint8Array;

export function newNonce(): Nonce {
  return randomBytes(12);
}

/** 16 bytes of an address, IPv4 as IPv4-mapped (§5); undefined for text that is no address. */
export function addressBytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(16);
  const length = parseAddress(text, bytes);
  if (length === 0) return undefined;
  if (length === 16) return bytes;
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped.set(bytes.subarray(0, 4), 12);
  return mapped;
}

function formatAddress(bytes: Uint8Array, offset: number): string {
  const slice = bytes.subarray(offset, offset + 16);
  return isIpv4Mapped(slice) ? formatIpv4(slice, 12) : formatIpv6(slice, 0);
}

function requestHeader(op: number, lifetimeSeconds: number, clientAddress: Uint8Array, dataLength: number): Buffer {
  const bytes = Buffer.alloc(HEADER + dataLength);
  bytes[0] = VERSION;
  bytes[1] = op;
  bytes.writeUInt32BE(lifetimeSeconds, 4);
  bytes.set(clientAddress, 8);
  return bytes;
}

export function encodeAnnounceRequest(clientAddress: Uint8Array): Uint8Array {
  return requestHeader(OP_ANNOUNCE, 0, clientAddress, 0);
}

export interface MapRequest {
  readonly nonce: Nonce;
  readonly transport: Transport;
  /** This computer's address, 16 bytes (addressBytes). */
  readonly clientAddress: Uint8Array;
  readonly internalPort: number;
  /** 0: any. For a pinhole the router keeps the internal port. */
  readonly suggestedExternalPort: number;
  /** IPv4 mappings: ::ffff:0.0.0.0 (any IPv4); pinholes: :: (§11.1). */
  readonly suggestedExternalAddress: Uint8Array;
  /** 0 deletes the mapping (§15). */
  readonly lifetimeSeconds: number;
}

export function encodeMapRequest(request: MapRequest): Uint8Array {
  const bytes = requestHeader(OP_MAP, request.lifetimeSeconds, request.clientAddress, MAP_DATA);
  bytes.set(request.nonce, HEADER);
  bytes[HEADER + 12] = IPPROTO[request.transport];
  bytes.writeUInt16BE(request.internalPort, HEADER + 16);
  bytes.writeUInt16BE(request.suggestedExternalPort, HEADER + 18);
  bytes.set(request.suggestedExternalAddress, HEADER + 20);
  return bytes;
}

export const ANY_IPV4 = addressBytes('0.0.0.0')!;
export const ANY_IPV6 = new Uint8Array(16);

export interface PcpHeader {
  readonly result: PcpResultName;
  /** For success the granted lifetime; for errors how long the error is likely to last (§7.2). */
  readonly lifetimeSeconds: number;
  readonly epochSeconds: number;
}

export interface PcpMapping extends PcpHeader {
  readonly externalPort: number;
  readonly externalAddress: string;
}

/**
 * What came back for an opcode: a PCP answer, or a NAT-PMP router's "unsupported version" (§9: a
 * NAT-PMP-only server answers a version-2 request with a version-0 error), or undefined when bytes
 * are no answer to it.
 */
function header(bytes: Uint8Array, op: number): PcpHeader | 'natpmp-only' | undefined {
  if (bytes.length >= 4 && bytes[0] === NATPMP_VERSION && bytes[1] === RESPONSE_BIT + op && bytes[3] === 1) return 'natpmp-only';
  if (bytes.length < HEADER || bytes.length > MAX_MESSAGE || bytes.length % 4 !== 0) return undefined;
  if (bytes[0] !== VERSION || bytes[1] !== (RESPONSE_BIT | op)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { result: PCP_RESULTS[bytes[3]!] ?? 'unknown', lifetimeSeconds: view.getUint32(4), epochSeconds: view.getUint32(8) };
}

export type PcpAnswer<T> = Result<T, PcpResultName | 'natpmp-only'> & { readonly header?: PcpHeader };

export function decodeAnnounceResponse(bytes: Uint8Array): PcpAnswer<PcpHeader> | undefined {
  const head = header(bytes, OP_ANNOUNCE);
  if (head === undefined) return undefined;
  if (head === 'natpmp-only') return err('natpmp-only');
  return head.result === 'success' ? { ...ok(head), header: head } : { ...err(head.result), header: head };
}

/** The answer to `request`, or undefined for anything else (another nonce, protocol or port). */
export function decodeMapResponse(bytes: Uint8Array, request: MapRequest): PcpAnswer<PcpMapping> | undefined {
  const head = header(bytes, OP_MAP);
  if (head === undefined) return undefined;
  if (head === 'natpmp-only') return err('natpmp-only');
  // §11.3: only an answer echoing nonce, protocol and internal port belongs to this request; an
  // error answer without MAP data cannot be matched and is left to time out.
  if (bytes.length < HEADER + MAP_DATA) return undefined;
  if (!Buffer.from(bytes.subarray(HEADER, HEADER + 12)).equals(request.nonce)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[HEADER + 12] !== IPPROTO[request.transport] || view.getUint16(HEADER + 16) !== request.internalPort) return undefined;
  if (head.result !== 'success') return { ...err(head.result), header: head };
  return { ...ok({ ...head, externalPort: view.getUint16(HEADER + 18), externalAddress: formatAddress(bytes, HEADER + 20) }), header: head };
}
