// A simulated edge (or supernode) for end-to-end tests: a real UDP socket on 127.0.0.1 that speaks
// the protocol through engine/protocol and engine/crypto, with an optional header-encryption
// community, and a receive queue with bounded waits.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { decodeMessage, encodeMessage, encodeMessageInto, messageEncodingLength, MessageType, packetHeaderLength } from '../../engine/protocol/index.js';
import type { DecodedMessage, Message } from '../../engine/protocol/index.js';
import { decryptHeader, encryptHeader, looksLikeClearHeader, staticHeaderKeys } from '../../engine/crypto/header-encryption.js';
import type { HeaderKeys } from '../../engine/crypto/header-encryption.js';
import { TimeStampGenerator } from '../../engine/crypto/timestamp.js';
import { appendAuthTrailer } from '../../engine/crypto/user-password.js';
import type { SpeckKeySchedule } from '../../engine/crypto/speck.js';
import { communityField } from '../../engine/crypto/dynamic-key.js';
import { keyKindFor } from '../../engine/protocol/envelope.js';

export const LOOPBACK = '127.0.0.1';
const DEFAULT_WAIT_MS = 3000;
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

const stamps = new TimeStampGenerator();

/** Header encryption as an edge of one community does it (PROTOCOL.md §6). */
export interface EdgeCrypto {
  readonly field: Uint8Array;
  readonly staticKeys: HeaderKeys;
  dynamicKeys: HeaderKeys;
  /** User/password: trailer cipher for REGISTER_SUPER. */
  readonly trailerCipher?: SpeckKeySchedule;
}

export function headerEncryptionFor(community: string, trailerCipher?: SpeckKeySchedule): EdgeCrypto {
  const field = communityField(community);
  const keys = staticHeaderKeys(field);
  return { field, staticKeys: keys, dynamicKeys: keys, ...(trailerCipher === undefined ? {} : { trailerCipher }) };
}

export interface Received {
  readonly bytes: Uint8Array;
  readonly from: { address: string; port: number };
}

export class SimPeer {
  private readonly queue: Received[] = [];
  private waiter: (() => void) | undefined;

  private constructor(
    private readonly socket: UdpSocket,
    readonly crypto: EdgeCrypto | undefined,
  ) {
    socket.on('message', (bytes, remote) => {
      this.queue.push({ bytes: Uint8Array.from(bytes), from: { address: remote.address, port: remote.port } });
      this.waiter?.();
    });
  }

  /** address: another loopback address (127.0.0.0/8) stands for another host. */
  static async open(crypto?: EdgeCrypto, port = 0, address = LOOPBACK): Promise<SimPeer> {
    // Room for a burst of answers (the supernode sends them in batches) while the test is busy.
    const socket = createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => resolve());
    });
    return new SimPeer(socket, crypto);
  }

  get port(): number {
    return (this.socket.address()).port;
  }

  sendRaw(bytes: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, port, LOOPBACK, (error) => (error ? reject(error) : resolve())));
  }

  /** Encodes (and, with a community, header-encrypts and trails) a message and sends it. */
  send(message: Message, port: number): Promise<void> {
    return this.sendRaw(this.seal(message), port);
  }

  /** Sends a message in clear text, also from a peer with header encryption (a supernode serves several communities). */
  sendClear(message: Message, port: number): Promise<void> {
    return this.sendRaw(encodeMessage(message), port);
  }

  seal(message: Message): Uint8Array {
    const length = messageEncodingLength(message);
    const trailer = this.crypto?.trailerCipher !== undefined && message.type === MessageType.RegisterSuper;
    const bytes = new Uint8Array(length + (trailer ? 16 : 0));
    encodeMessageInto(message, bytes, 0);
    if (this.crypto === undefined) return bytes;
    const keys = keyKindFor(message.type) === 'static' ? this.crypto.staticKeys : this.crypto.dynamicKeys;
    const headerLength = message.type === MessageType.Packet ? packetHeaderLength(message) : length;
    encryptHeader(bytes, length, headerLength, stamps.next(), keys);
    if (trailer && this.crypto.trailerCipher !== undefined) appendAuthTrailer(this.crypto.trailerCipher, bytes, length);
    return bytes;
  }

  /** The next datagram, waiting at most timeoutMs. */
  async nextRaw(timeoutMs = DEFAULT_WAIT_MS): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no datagram within ${timeoutMs} ms on port ${this.port}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift()!;
  }

  /** The next datagram, decrypted (dynamic pair, then static over N − 16) and decoded. */
  async next(timeoutMs = DEFAULT_WAIT_MS): Promise<DecodedMessage & { wire: Uint8Array; plain: Uint8Array }> {
    const { bytes } = await this.nextRaw(timeoutMs);
    const plain = this.open(bytes);
    const decoded = decodeMessage(plain);
    if (!decoded.ok) throw new Error(`undecodable reply: ${decoded.error}`);
    return Object.assign(decoded.value, { wire: bytes, plain });
  }

  /** Skips datagrams until one of the given type arrives. */
  async nextOfType<T extends Message['type']>(type: T, timeoutMs = DEFAULT_WAIT_MS): Promise<Extract<DecodedMessage, { type: T }> & { wire: Uint8Array; plain: Uint8Array }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(1, deadline - Date.now()));
      if (message.type === type) return message as Extract<DecodedMessage, { type: T }> & { wire: Uint8Array; plain: Uint8Array };
    }
  }

  pending(): number {
    return this.queue.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private open(bytes: Uint8Array): Uint8Array {
    if (this.crypto === undefined || looksLikeClearHeader(bytes, bytes.length)) return bytes;
    const out = new Uint8Array(bytes.length);
    const dynamic = decryptHeader(bytes, bytes.length, this.crypto.field, this.crypto.dynamicKeys, out);
    if (dynamic.ok) return out;
    const withoutTrailer = bytes.length - 16;
    const opened = decryptHeader(bytes, withoutTrailer, this.crypto.field, this.crypto.staticKeys, out);
    if (!opened.ok) throw new Error(`reply does not decrypt: ${opened.error}`);
    return out.subarray(0, withoutTrailer);
  }
}
