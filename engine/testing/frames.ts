// Ethernet frames the loopback tests inject into edges' in-memory TAPs: ARP and a small UDP-in-IPv4.
import { bytesEqual } from '../protocol/codec.js';

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** An ARP request "who has target? tell sender" (broadcast). */
export function arpRequest(senderMac: Uint8Array, senderIp: string, targetIp: string): Uint8Array {
  return Uint8Array.from([
    ...new Array<number>(6).fill(0xff),
    ...senderMac,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    ...senderMac,
    ...ipv4Bytes(senderIp),
    0, 0, 0, 0, 0, 0,
    ...ipv4Bytes(targetIp),
  ]);
}

export function arpReply(senderMac: Uint8Array, senderIp: string, targetMac: Uint8Array, targetIp: string): Uint8Array {
  return Uint8Array.from([
    ...targetMac,
    ...senderMac,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
    ...senderMac,
    ...ipv4Bytes(senderIp),
    ...targetMac,
    ...ipv4Bytes(targetIp),
  ]);
}

/** A UDP-in-IPv4 frame with a recognisable payload (checksums zero: nothing here verifies them). */
export function ipv4Frame(srcMac: Uint8Array, dstMac: Uint8Array, srcIp: string, dstIp: string, payload: string): Uint8Array {
  const data = new TextEncoder().encode(payload);
  const total = 20 + 8 + data.length;
  return Uint8Array.from([
    ...dstMac,
    ...srcMac,
    0x08, 0x00,
    0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0,
    ...ipv4Bytes(srcIp),
    ...ipv4Bytes(dstIp),
    0x30, 0x39, 0x30, 0x39, (8 + data.length) >> 8, (8 + data.length) & 0xff, 0, 0,
    ...data,
  ]);
}

export function isGratuitousArpFrom(frame: Uint8Array, from: Uint8Array): boolean {
  return frame.length === 42 && frame[12] === 0x08 && frame[13] === 0x06 && frame[21] === 2 && bytesEqual(frame.subarray(6, 12), from) && frame[0] === 0xff;
}
