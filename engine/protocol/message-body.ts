// What message.ts needs from each message layout (PROTOCOL.md §4). Bodies start after the 24-byte
// common header.
import type { Reader } from './codec.js';
import type { Header, MessageCommon } from './header.js';
import { socketCodec } from './sock.js';
import type { Socket } from './sock.js';

export interface MessageBodyCodec<M extends MessageCommon> {
  /** Bytes after the common header. */
  bodyLength(msg: M): number;
  /** Value of the header's SOCKET flag for this message. */
  socketFlag(msg: M): boolean;
  /** Writes the body at offset and returns the number of bytes written. */
  encodeBody(msg: M, buf: Uint8Array, offset: number): number;
  /**
   * Reads the body that follows header; a failure is left in reader.error. Implementations build
   * the message as one object literal whose reader calls appear in wire order (JavaScript evaluates
   * object literal properties in source order).
   */
  decodeBody(reader: Reader, header: Header): M;
}

// Placeholder returned after a failed read; never part of a successfully decoded message.
const UNREAD_SOCKET: Socket = { family: 'IPv4', address: '0.0.0.0', port: 0 };

export function readSocket(reader: Reader): Socket {
  return reader.field(socketCodec, UNREAD_SOCKET);
}

/** Reads the optional socket announced by the header's SOCKET flag. */
export function readOptionalSocket(reader: Reader, present: boolean): Socket | undefined {
  return present ? reader.field(socketCodec, undefined) : undefined;
}

export function optionalSocketLength(socket: Socket | undefined): number {
  return socket === undefined ? 0 : socketCodec.encodingLength(socket);
}

export function writeOptionalSocket(socket: Socket | undefined, buf: Uint8Array, offset: number): number {
  return socket === undefined ? 0 : socketCodec.encode(socket, buf, offset);
}

