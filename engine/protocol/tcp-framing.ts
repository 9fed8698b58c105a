// TCP transport framing (PROTOCOL.md §1.2): every message is preceded by its length as a big-endian
// u16. Prefix and body may be split across segments anywhere, so the receiver reassembles.
import { err, ok } from '../../shared/result.js';
import type { Err, Result } from '../../shared/result.js';
import { readU16, writeU16 } from './codec.js';
import { TCP_LENGTH_PREFIX_SIZE } from './constants.js';

export type DeframeError = 'frame-too-long';

const MAX_FRAME_LENGTH = 0xffff;

/** Length prefix + body, ready to write to the socket. */
export function frameMessage(body: Uint8Array): Uint8Array {
  if (body.length > MAX_FRAME_LENGTH) throw new RangeError(`a TCP frame holds at most ${MAX_FRAME_LENGTH} bytes`);
  const frame = new Uint8Array(TCP_LENGTH_PREFIX_SIZE + body.length);
  writeU16(frame, 0, body.length);
  frame.set(body, TCP_LENGTH_PREFIX_SIZE);
  return frame;
}

/**
 * Reassembles frames from arbitrary chunks of a TCP stream. A frame that announces more than
 * maxFrameLength bytes (TCP_MAX_FRAME_SUPERNODE / TCP_MAX_FRAME_EDGE) breaks the stream: that push
 * and every later one return 'frame-too-long', and the caller should close the connection.
 */
export class TcpDeframer {
  // Holds a frame that spans chunks; the prefix stays in front of the body.
  private readonly partial: Uint8Array;
  private partialLength = 0;
  private failure: Err<DeframeError> | undefined;

  constructor(private readonly maxFrameLength: number) {
    if (!Number.isInteger(maxFrameLength) || maxFrameLength < 0 || maxFrameLength > MAX_FRAME_LENGTH) {
      throw new RangeError(`bad frame length limit ${maxFrameLength}`);
    }
    this.partial = new Uint8Array(TCP_LENGTH_PREFIX_SIZE + maxFrameLength);
  }

  /**
   * Consumes chunk and returns the frames it completes, in order. Frames that lie entirely inside
   * chunk are views of it; frames assembled from several chunks are fresh copies.
   */
  push(chunk: Uint8Array): Result<Uint8Array[], DeframeError> {
    const frames: Uint8Array[] = [];
    let at = 0;
    while (this.failure === undefined && at < chunk.length) {
      if (this.partialLength === 0 && chunk.length - at >= TCP_LENGTH_PREFIX_SIZE) {
        const announced = readU16(chunk, at);
        if (!this.checkAnnounced(announced)) break;
        const end = at + TCP_LENGTH_PREFIX_SIZE + announced;
        if (end <= chunk.length) {
          frames.push(chunk.subarray(at + TCP_LENGTH_PREFIX_SIZE, end));
          at = end;
          continue;
        }
      }
      at += this.accumulate(chunk, at, frames);
    }
    return this.failure ?? ok(frames);
  }

  /** Copies bytes of a frame that spans chunks; returns how many bytes of chunk were consumed. */
  private accumulate(chunk: Uint8Array, at: number, frames: Uint8Array[]): number {
    const needed =
      this.partialLength < TCP_LENGTH_PREFIX_SIZE
        ? TCP_LENGTH_PREFIX_SIZE
        : TCP_LENGTH_PREFIX_SIZE + readU16(this.partial, 0);
    const taken = Math.min(needed - this.partialLength, chunk.length - at);
    this.partial.set(chunk.subarray(at, at + taken), this.partialLength);
    this.partialLength += taken;
    if (this.partialLength === TCP_LENGTH_PREFIX_SIZE && !this.checkAnnounced(readU16(this.partial, 0))) {
      return taken;
    }
    if (this.partialLength >= TCP_LENGTH_PREFIX_SIZE) {
      const frameEnd = TCP_LENGTH_PREFIX_SIZE + readU16(this.partial, 0);
      if (this.partialLength === frameEnd) {
        frames.push(this.partial.slice(TCP_LENGTH_PREFIX_SIZE, frameEnd));
        this.partialLength = 0;
      }
    }
    return taken;
  }

  private checkAnnounced(announced: number): boolean {
    if (announced <= this.maxFrameLength) return true;
    this.failure = err('frame-too-long', `frame announces ${announced} bytes, limit ${this.maxFrameLength}`);
    return false;
  }
}
