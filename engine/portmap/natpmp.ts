// NAT-PMP (RFC 6886): the router's external IPv4 address and UDP/TCP mappings, in 2-, 12- and 16-byte
// datagrams to the gateway's port 5351. Decoders take whatever arrives and return undefined for what
// is not the awaited answer; they never throw.
import { formatIpv4 } from '../protocol/address.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { Transport } from './types.js';

const VERSION = 0;
const OP_EXTERNAL_ADDRESS = 0;
const OP_MAP_UDP = 1;
const OP_MAP_TCP = 2;
const RESPONSE_BIT = 128;

/** RFC 6886 §3.5 result codes, by name. */
export const NATPMP_RESULTS = ['success', 'unsupported-version', 'refused', 'network-failure', 'out-of-resources', 'unsupported-opcode'] as const;
export type NatPmpResultName = (typeof NATPMP_RESULTS)[number] | 'unknown';

function resultName(code: number): NatPmpResultName {
  return NATPMP_RESULTS[code] ?? 'unknown';
}

export function encodeExternalAddressRequest(): Uint8Array {
  return Uint8Array.of(VERSION, OP_EXTERNAL_ADDRESS);
}

/** A mapping request; lifetime 0 with external port 0 deletes the mapping (§3.4). */
export function encodeMapRequest(transport: Transport, internalPort: number, suggestedExternalPort: number, lifetimeSeconds: number): Uint8Array {
  const bytes = Buffer.alloc(12);
  bytes[0] = VERSION;
  bytes[1] = transport === 'udp' ? OP_MAP_UDP : OP_MAP_TCP;
  bytes.writeUInt16BE(internalPort, 4);
  bytes.writeUInt16BE(suggestedExternalPort, 6);
  bytes.writeUInt32BE(lifetimeSeconds, 8);
  return bytes;
}

export interface NatPmpHeader {
  readonly result: NatPmpResultName;
  readonly epochSeconds: number;
}

export interface NatPmpExternalAddress extends NatPmpHeader {
  readonly externalAddress: string;
}

export interface NatPmpMapping extends NatPmpHeader {
  readonly internalPort: number;
  readonly externalPort: number;
  readonly lifetimeSeconds: number;
}

type Answer<T> = Result<T, NatPmpResultName> & { readonly epochSeconds?: number };

/** The header of an answer to `op`, or undefined when bytes are no such answer. */
function header(bytes: Uint8Array, op: number): { result: NatPmpResultName; epochSeconds: number; view: DataView } | undefined {
  if (bytes.length < 8 || bytes[0] !== VERSION || bytes[1] !== RESPONSE_BIT + op) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { result: resultName(view.getUint16(2)), epochSeconds: view.getUint32(4), view };
}

function failure<T>(result: NatPmpResultName, epochSeconds: number): Answer<T> {
  return { ...err(result), epochSeconds };
}

export function decodeExternalAddressResponse(bytes: Uint8Array): Answer<NatPmpExternalAddress> | undefined {
  const head = header(bytes, OP_EXTERNAL_ADDRESS);
  if (head === undefined) return undefined;
  if (head.result !== 'success') return failure(head.result, head.epochSeconds);
  if (bytes.length < 12) return undefined;
  return { ...ok({ result: head.result, epochSeconds: head.epochSeconds, externalAddress: formatIpv4(bytes, 8) }), epochSeconds: head.epochSeconds };
}

/** An answer to a map request for `transport` and `internalPort` (others are not ours). */
export function decodeMapResponse(bytes: Uint8Array, transport: Transport, internalPort: number): Answer<NatPmpMapping> | undefined {
  const head = header(bytes, transport === 'udp' ? OP_MAP_UDP : OP_MAP_TCP);
  if (head === undefined) return undefined;
  if (bytes.length >= 10 && head.view.getUint16(8) !== internalPort) return undefined;
  if (head.result !== 'success') return failure(head.result, head.epochSeconds);
  if (bytes.length < 16) return undefined;
  return {
    ...ok({ result: head.result, epochSeconds: head.epochSeconds, internalPort, externalPort: head.view.getUint16(10), lifetimeSeconds: head.view.getUint32(12) }),
    epochSeconds: head.epochSeconds,
  };
}
