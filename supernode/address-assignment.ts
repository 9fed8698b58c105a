// Step 6 of REGISTER_SUPER handling (PROTOCOL.md §9.3.1, §9.6.2): which address the ACK offers.
import { NO_IP_SUBNET, socketCodec } from '../engine/protocol/index.js';
import type { IpSubnet, RegisterSuperMessage } from '../engine/protocol/index.js';
import { chooseEdgeAddress, ipv4FromNumber, ipv4ToNumber } from './auto-ip.js';
import type { Community } from './community.js';

const LINK_LOCAL_NETWORK = ipv4ToNumber('169.254.0.0');
const LINK_LOCAL_MASK = ipv4ToNumber('255.255.0.0');
// §4.4: the description starts 39 bytes into a REGISTER_SUPER, after the optional socket.
const DESCRIPTION_OFFSET = 39;
const DESCRIPTION_SIZE = 16;

function wantsAddress(requested: IpSubnet): boolean {
  const address = ipv4ToNumber(requested.address);
  return requested.prefix === 0 || address === 0 || address === 0xffffffff || ((address & LINK_LOCAL_MASK) >>> 0) === LINK_LOCAL_NETWORK;
}

/** The address for the ACK, or 0.0.0.0/0 when the edge brought its own. plain is the request. */
export function offeredAddress(community: Community, msg: RegisterSuperMessage, plain: Uint8Array): IpSubnet {
  if (!wantsAddress(msg.devAddr)) return NO_IP_SUBNET;
  // §9.6.2: the hash covers the 16 description bytes as received.
  const at = DESCRIPTION_OFFSET + (msg.socket === undefined ? 0 : socketCodec.encodingLength(msg.socket));
  const address = chooseEdgeAddress(plain.subarray(at, at + DESCRIPTION_SIZE), community.subnet, (candidate) => community.addressInUse(candidate));
  return { address: address === undefined ? '0.0.0.0' : ipv4FromNumber(address), prefix: community.subnet.prefix };
}
