// The help signalling exchange between two engines over the VPN (docs/help-session.md): one frame
// is a 4-byte big-endian length, a 32-byte HMAC-SHA256 tag and a UTF-8 JSON message. The tag key
// comes from the network's key and community name (HKDF-SHA256, info "kith help v1"), so only
// members of the network can make a frame that verifies. Decoding never throws: every refusal is a
// Result the receiver counts.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { randomBytes } from '../crypto/random.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { HelpSignal } from './api.js';

/** The TCP port each edge listens on, on its own VPN address only. */
export const HELP_PORT = 7655;
/** The largest frame (tag and JSON), length prefix excluded. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** How far a message's stamp may be from the receiver's clock, either way. */
export const MAX_AGE_MS = 60_000;
export const HELP_VERSION = 'help v1';

const LENGTH_BYTES = 4;
const TAG_BYTES = 32;
const NONCE_HEX = 32;
const SESSION_HEX = 32;
const MAX_NAME_CHARS = 64;
const MAX_SDP_CHARS = 48 * 1024;
const MAX_CANDIDATE_CHARS = 1024;
const MAX_MID_CHARS = 64;

type AnswerKind = 'allow' | 'decline' | 'busy' | 'unanswered';

/** What a message says, beside the envelope every message carries. */
export type HelpBody =
  | { readonly kind: 'hello'; readonly name: string; readonly version: string; readonly probe: boolean }
  | { readonly kind: 'request'; readonly session: string }
  | { readonly kind: 'ask' }
  | { readonly kind: 'answer'; readonly session: string; readonly answer: AnswerKind }
  | { readonly kind: 'signal'; readonly session: string; readonly signal: HelpSignal }
  | { readonly kind: 'stop'; readonly session: string };

export type HelpMessage = HelpBody & {
  /** Sender's MAC, lowercase 'aa:bb:…'. */
  readonly from: string;
  /** Receiver's MAC: a frame for one peer does not verify as one for another. */
  readonly to: string;
  /** Sender's clock, ms since the epoch. */
  readonly at: number;
  /** 128 random bits, hex: the receiver's replay check. */
  readonly nonce: string;
};

export type DecodeError = 'short' | 'bad-tag' | 'bad-json' | 'bad-shape';

/** The tag key of a network: empty key → no help (the caller checks that first). */
export function helpKey(networkKey: Uint8Array, community: string): Buffer {
  return Buffer.from(hkdfSync('sha256', networkKey, Buffer.from(community, 'utf8'), Buffer.from('kith help v1'), 32));
}

export function newNonce(): string {
  return Buffer.from(randomBytes(16)).toString('hex');
}

/** A random 128-bit session id, hex. */
export const newSessionId = newNonce;

/** The whole frame, length prefix included; undefined when the message would exceed MAX_FRAME_BYTES. */
export function encodeFrame(key: Buffer, message: HelpMessage): Buffer | undefined {
  const json = Buffer.from(JSON.stringify(message), 'utf8');
  const length = TAG_BYTES + json.length;
  if (length > MAX_FRAME_BYTES) return undefined;
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + length);
  frame.writeUInt32BE(length, 0);
  createHmac('sha256', key).update(json).digest().copy(frame, LENGTH_BYTES);
  json.copy(frame, LENGTH_BYTES + TAG_BYTES);
  return frame;
}

/** Checks the tag, then the JSON and its shape; `payload` is one frame without its length prefix. */
export function decodeFrame(key: Buffer, payload: Buffer): Result<HelpMessage, DecodeError> {
  if (payload.length <= TAG_BYTES) return err('short');
  const json = payload.subarray(TAG_BYTES);
  const expected = createHmac('sha256', key).update(json).digest();
  if (!timingSafeEqual(expected, payload.subarray(0, TAG_BYTES))) return err('bad-tag');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return err('bad-json');
  }
  return parseMessage(parsed);
}

/**
 * Splits a byte stream into frame payloads: feed() what arrives, get the complete payloads. A
 * length above MAX_FRAME_BYTES (or zero) poisons the stream: the caller closes the connection.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  feed(chunk: Buffer): Result<Buffer[], 'oversized'> {
    // At most one frame's worth stays pending, so joining the pieces costs little.
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const payloads: Buffer[] = [];
    while (this.pending.length >= LENGTH_BYTES) {
      const length = this.pending.readUInt32BE(0);
      if (length === 0 || length > MAX_FRAME_BYTES) return err('oversized');
      if (this.pending.length < LENGTH_BYTES + length) break;
      payloads.push(Buffer.from(this.pending.subarray(LENGTH_BYTES, LENGTH_BYTES + length)));
      this.pending = this.pending.subarray(LENGTH_BYTES + length);
    }
    return ok(payloads);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isHex = (value: unknown, length: number): value is string => typeof value === 'string' && value.length === length && /^[0-9a-f]+$/.test(value);
/** A help session's id: 32 lowercase hex digits. */
export const isSessionId = (value: unknown): value is string => isHex(value, SESSION_HEX);
const isMac = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(value);
const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;
const ANSWERS: readonly AnswerKind[] = ['allow', 'decline', 'busy', 'unanswered'];

/** Signals on the wire and those the window hands in (kith.help.signal): one shape, one set of limits. */
export function parseHelpSignal(raw: unknown): HelpSignal | undefined {
  if (!isRecord(raw)) return undefined;
  if ((raw['type'] === 'offer' || raw['type'] === 'answer') && isText(raw['sdp'], MAX_SDP_CHARS)) return { type: raw['type'], sdp: raw['sdp'] };
  if (raw['type'] !== 'candidate' || !isText(raw['candidate'], MAX_CANDIDATE_CHARS)) return undefined;
  const mid = raw['sdpMid'];
  const index = raw['sdpMLineIndex'];
  if (mid !== null && !isText(mid, MAX_MID_CHARS)) return undefined;
  if (index !== null && !(Number.isInteger(index) && (index as number) >= 0 && (index as number) < 256)) return undefined;
  return { type: 'candidate', candidate: raw['candidate'], sdpMid: mid, sdpMLineIndex: index as number | null };
}

function parseBody(raw: Record<string, unknown>): HelpBody | undefined {
  const session = raw['session'];
  switch (raw['kind']) {
    case 'hello':
      return isText(raw['name'], MAX_NAME_CHARS) && isText(raw['version'], 32) && typeof raw['probe'] === 'boolean'
        ? { kind: 'hello', name: raw['name'], version: raw['version'], probe: raw['probe'] }
        : undefined;
    case 'request':
      return isSessionId(session) ? { kind: 'request', session } : undefined;
    case 'ask':
      return { kind: 'ask' };
    case 'answer':
      return isSessionId(session) && ANSWERS.includes(raw['answer'] as AnswerKind) ? { kind: 'answer', session, answer: raw['answer'] as AnswerKind } : undefined;
    case 'signal': {
      const signal = parseHelpSignal(raw['signal']);
      return isSessionId(session) && signal !== undefined ? { kind: 'signal', session, signal } : undefined;
    }
    case 'stop':
      return isSessionId(session) ? { kind: 'stop', session } : undefined;
    default:
      return undefined;
  }
}

/** The shape of a verified message; its JSON came from a member, but a member's engine may be broken or hostile. */
function parseMessage(raw: unknown): Result<HelpMessage, 'bad-shape'> {
  if (!isRecord(raw) || !isMac(raw['from']) || !isMac(raw['to']) || !Number.isSafeInteger(raw['at']) || !isHex(raw['nonce'], NONCE_HEX)) return err('bad-shape');
  const body = parseBody(raw);
  if (body === undefined) return err('bad-shape');
  return ok({ ...body, from: raw['from'], to: raw['to'], at: raw['at'] as number, nonce: raw['nonce'] });
}

/**
 * The replay check: a nonce is accepted once while its stamp is within MAX_AGE_MS of now. Nonces are
 * remembered until their stamp leaves the window, so the set is bounded by what members can send in
 * that time; past `capacity` new messages are refused until old nonces expire.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 4096) {}

  check(nonce: string, at: number, now: number): Result<void, 'stale' | 'replayed' | 'full'> {
    if (Math.abs(now - at) > MAX_AGE_MS) return err('stale');
    if (this.seen.has(nonce)) return err('replayed');
    if (this.seen.size >= this.capacity) this.sweep(now);
    if (this.seen.size >= this.capacity) return err('full');
    this.seen.set(nonce, at + MAX_AGE_MS);
    return ok(undefined);
  }

  private sweep(now: number): void {
    for (const [nonce, forgetAt] of this.seen) if (forgetAt < now) this.seen.delete(nonce);
  }
}
