// Supernode-list entry of REGISTER_SUPER_ACK (PROTOCOL.md §2.6): family u8, unused u8,
// port u16 LITTLE-endian, 16 address bytes, MAC.
import { err, ok } from '../../shared/result.js';
import { parseAddress } from './address.js';
import type { Codec } from './codec.js';
import { TRUNCATED } from './codec.js';
import {
  MAC_SIZE,
  MAX_SUPERNODE_LIST_BYTES,
  SUPERNODE_ENTRY_SIZE,
  SUPERNODE_FAMILIES_IPV6,
  SUPERNODE_FAMILY_IPV4,
  SUPERNODE_FAMILY_IPV6,
} from './constants.js';
import { macCodec } from './mac.js';
import type { Mac } from './mac.js';
import { socketFromAddressBytes } from './sock.js';
import type { Socket } from './sock.js';

export interface SupernodeEntry {
  socket: Socket;
  mac: Mac;
}

const scratch = new Uint8Array(16);

/** decode() yields null for an entry whose address family is unknown: §2.6 says to ignore it. */
export const supernodeEntryCodec: Codec<SupernodeEntry | null> = {
  encodingLength: () => SUPERNODE_ENTRY_SIZE,
  encode(value, buf, offset) {
    if (value === null) throw new RangeError('cannot encode an ignored supernode entry');
    const length = parseAddress(value.socket.address, scratch);
    if (length === 0) throw new RangeError(`not an IP address: ${value.socket.address}`);
    const entry = buf.subarray(offset, offset + SUPERNODE_ENTRY_SIZE);
    entry.fill(0);
    // §2.6: always emit the Linux numbering, 2 / 10.
    entry[0] = length === 4 ? SUPERNODE_FAMILY_IPV4 : SUPERNODE_FAMILY_IPV6;
    entry[2] = value.socket.port & 0xff;
    entry[3] = value.socket.port >>> 8;
    entry.set(scratch.subarray(0, length), 4);
    macCodec.encode(value.mac, entry, 20);
    return SUPERNODE_ENTRY_SIZE;
  },
  decode(buf, offset) {
    if (offset + SUPERNODE_ENTRY_SIZE > buf.length) return TRUNCATED;
    const family = buf[offset]!;
    const addressLength = family === SUPERNODE_FAMILY_IPV4 ? 4 : SUPERNODE_FAMILIES_IPV6.has(family) ? 16 : 0;
    if (addressLength === 0) return ok({ value: null, bytes: SUPERNODE_ENTRY_SIZE });
    const port = buf[offset + 2]! | (buf[offset + 3]! << 8);
    return ok({
      value: {
        socket: socketFromAddressBytes(buf, offset + 4, addressLength, port),
        mac: buf.slice(offset + 20, offset + 20 + MAC_SIZE),
      },
      bytes: SUPERNODE_ENTRY_SIZE,
    });
  },
};

/** num_sn u8 followed by num_sn entries (§4.7). Ignored entries are left out of the list. */
export const supernodeListCodec: Codec<SupernodeEntry[]> = {
  encodingLength: (value) => 1 + value.length * SUPERNODE_ENTRY_SIZE,
  encode(value, buf, offset) {
    if (value.length * SUPERNODE_ENTRY_SIZE > MAX_SUPERNODE_LIST_BYTES) {
      throw new RangeError(`${value.length} supernode entries exceed the ${MAX_SUPERNODE_LIST_BYTES}-byte list`);
    }
    let at = offset;
    buf[at++] = value.length;
    for (const entry of value) at += supernodeEntryCodec.encode(entry, buf, at);
    return at - offset;
  },
  decode(buf, offset) {
    if (offset + 1 > buf.length) return TRUNCATED;
    const count = buf[offset]!;
    // §4.7: the reference's buffer holds 1166 bytes; never trust num_sn.
    if (count * SUPERNODE_ENTRY_SIZE > MAX_SUPERNODE_LIST_BYTES) return err('too-many-supernodes', `num_sn ${count}`);
    if (offset + 1 + count * SUPERNODE_ENTRY_SIZE > buf.length) return TRUNCATED;
    const entries: SupernodeEntry[] = [];
    for (let i = 0; i < count; i++) {
      const entry = supernodeEntryCodec.decode(buf, offset + 1 + i * SUPERNODE_ENTRY_SIZE);
      if (!entry.ok) return entry;
      if (entry.value.value !== null) entries.push(entry.value.value);
    }
    return ok({ value: entries, bytes: 1 + count * SUPERNODE_ENTRY_SIZE });
  },
};
