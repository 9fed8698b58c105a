// The edge's side of the envelope (engine/protocol/envelope.ts): its key pairs, encoding control
// messages into one reused buffer, and opening received datagrams (PROTOCOL.md §6, §7.3.2).
import { dynamicHeaderKeys, staticHeaderKeys } from '../../crypto/header-encryption.js';
import type { HeaderKeys } from '../../crypto/header-encryption.js';
import { randomBytes } from '../../crypto/random.js';
import type { TimeStamp, TimeStampGenerator } from '../../crypto/timestamp.js';
import { keyKindFor, sealMessage, sealPacket, staticKeyAllowed, unseal } from '../../protocol/envelope.js';
import { decodeReceived, encodeMessageInto, MAX_DATAGRAM_SIZE, MessageType } from '../../protocol/index.js';
import type { ControlMessage, ReceivedMessage } from '../../protocol/index.js';
import { err, ok } from '../../../shared/result.js';
import type { Result } from '../../../shared/result.js';
import type { EdgeAuth } from '../control/auth.js';
import type { EdgeSettings } from '../settings.js';

export interface Opened {
  /** A PACKET is read through the fast path: a reused view, valid until the next datagram is opened. */
  readonly message: ReceivedMessage;
  /** The decoded bytes (the plaintext with header encryption); a PACKET view's payload is in here. */
  readonly plain: Uint8Array;
  /** Header-encryption time stamp; undefined without header encryption. */
  readonly stamp: TimeStamp | undefined;
  /** Decrypted with the static pair (only REGISTER_SUPER_ACK/NAK may be, in user/password mode). */
  readonly staticKey: boolean;
  /** The datagram as received (for the user/password trailer check). */
  readonly raw: Uint8Array;
}

export type OpenError = 'undecryptable' | 'undecodable' | 'static-key-not-allowed';

/** Extra room so a full-size datagram plus the 16-byte trailer always fits. */
const BUFFER_SIZE = MAX_DATAGRAM_SIZE + 64;

export class EdgeWire {
  private readonly staticKeys: HeaderKeys;
  private dynamicKeys: HeaderKeys;
  /** Control messages are encoded here; the transport copies before sending. */
  private readonly out = new Uint8Array(BUFFER_SIZE);
  private readonly plain = new Uint8Array(BUFFER_SIZE);

  constructor(
    private readonly settings: EdgeSettings,
    private readonly stamps: TimeStampGenerator,
    private readonly auth: EdgeAuth,
  ) {
    this.staticKeys = staticHeaderKeys(settings.communityField);
    // §7.3.2: until the supernode delivers the dynamic key, a user/password edge's dynamic pair is
    // random, so it can exchange nothing but REGISTER_SUPER/ACK/NAK.
    this.dynamicKeys = settings.userPassword === undefined ? this.staticKeys : dynamicHeaderKeys(randomBytes(16));
  }

  get headerEncryption(): boolean {
    return this.settings.headerEncryption;
  }

  get userPassword(): boolean {
    return this.settings.userPassword !== undefined;
  }

  /** Installs the dynamic key DK from a REGISTER_SUPER_ACK (§7.3.4 step 4). */
  setDynamicKey(dynamicKey: Uint8Array): void {
    this.dynamicKeys = dynamicHeaderKeys(dynamicKey);
  }

  /**
   * Encodes a control message ready to send: header-encrypted with the pair its type uses, plus the
   * trailer for a user/password REGISTER_SUPER. Returns a view of an internal buffer, valid until
   * the next call.
   */
  encode(message: ControlMessage): Uint8Array {
    const length = encodeMessageInto(message, this.out, 0);
    if (!this.settings.headerEncryption) return this.out.subarray(0, length);
    const keys = keyKindFor(message.type) === 'static' ? this.staticKeys : this.dynamicKeys;
    const trailer = message.type === MessageType.RegisterSuper ? this.auth.trailerCipher : undefined;
    return this.out.subarray(0, sealMessage(this.out, length, keys, this.stamps.next(), trailer));
  }

  /** Header-encrypts a PACKET in place (envelope.ts sealPacket). */
  sealPacket(datagram: Uint8Array, length: number, headerLength: number): void {
    if (!this.settings.headerEncryption) return;
    sealPacket(datagram, length, headerLength, this.dynamicKeys, this.stamps.next(), this.userPassword);
  }

  /** §8.6 step 1–2: decrypts (if header encryption is on) and decodes one datagram. */
  open(datagram: Uint8Array): Result<Opened, OpenError> {
    if (!this.settings.headerEncryption) {
      const decoded = decodeReceived(datagram);
      return decoded.ok ? ok({ message: decoded.value, plain: datagram, stamp: undefined, staticKey: false, raw: datagram }) : err('undecodable', decoded.error);
    }
    const unsealed = unseal(datagram, this.settings.communityField, { dynamic: this.dynamicKeys, static: this.staticKeys }, this.plain);
    if (!unsealed.ok) return err('undecryptable', unsealed.error);
    const { plain, stamp } = unsealed.value;
    const staticKey = unsealed.value.keys === 'static';
    const decoded = decodeReceived(plain);
    if (!decoded.ok) return err('undecodable', decoded.error);
    if (staticKey && !staticKeyAllowed(decoded.value.type, this.userPassword)) return err('static-key-not-allowed');
    return ok({ message: decoded.value, plain, stamp, staticKey, raw: datagram });
  }
}
