// ipv4 + prefix length (PROTOCOL.md §1.3 "ip_subnet"): the TAP address carried in REGISTER,
// REGISTER_SUPER and REGISTER_SUPER_ACK.
import { formatIpv4, parseAddress } from './address.js';
import type { Codec } from './codec.js';
import { decodeFixed } from './codec.js';
import { IP_SUBNET_SIZE } from './constants.js';

export interface IpSubnet {
  /** Dotted quad; '0.0.0.0' = none / "please assign one" (§4.4). */
  address: string;
  prefix: number;
}

export const NO_IP_SUBNET: IpSubnet = { address: '0.0.0.0', prefix: 0 };

const scratch = new Uint8Array(16);

export const ipSubnetCodec: Codec<IpSubnet> = {
  encodingLength: () => IP_SUBNET_SIZE,
  encode(value, buf, offset) {
    if (parseAddress(value.address, scratch) !== 4) throw new RangeError(`not an IPv4 address: ${value.address}`);
    if (!Number.isInteger(value.prefix) || value.prefix < 0 || value.prefix > 0xff) {
      throw new RangeError(`bad prefix length ${value.prefix}`);
    }
    buf.set(scratch.subarray(0, 4), offset);
    buf[offset + 4] = value.prefix;
    return IP_SUBNET_SIZE;
  },
  decode: (buf, offset) => decodeFixed(buf, offset, IP_SUBNET_SIZE, readIpSubnet),
};

function readIpSubnet(buf: Uint8Array, offset: number): IpSubnet {
  return { address: formatIpv4(buf, offset), prefix: buf[offset + 4]! };
}
