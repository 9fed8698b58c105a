// Frame filters of PROTOCOL.md §8.5 / §8.6, Appendix D, and address learning for display.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readVectorJson, fromHex } from '../../testing/vectors.js';
import { acceptsInboundIpv4, gratuitousArp, ipv4SourceIs, isMulticastFrame, senderAddress } from './frames.js';

const MAC = Uint8Array.from([0x02, 0x77, 0, 0, 0, 1]);
const ME = Uint8Array.from([10, 0, 0, 1]);

function ipv4(dst: number[], src: number[], dstMac = [2, 0, 0, 0, 0, 9]): Uint8Array {
  const frame = new Uint8Array(34);
  frame.set(dstMac, 0);
  frame.set([0x08, 0x00, 0x45], 12);
  frame.set(src, 26);
  frame.set(dst, 30);
  return frame;
}

describe('frames', () => {
  it('treats IPv4 and IPv6 multicast as multicast, but not broadcast or other groups', () => {
    assert.equal(isMulticastFrame(Uint8Array.from([1, 0, 0x5e, 0, 0, 1])), true);
    assert.equal(isMulticastFrame(Uint8Array.from([1, 0, 0x5e, 0x80, 0, 1])), false);
    assert.equal(isMulticastFrame(Uint8Array.from([0x33, 0x33, 0, 0, 0, 1])), true);
    assert.equal(isMulticastFrame(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), false);
    assert.equal(isMulticastFrame(Uint8Array.from([1, 0x80, 0xc2, 0, 0, 0])), false);
  });

  it('checks IPv4 source on send and destination on receive', () => {
    assert.equal(ipv4SourceIs(ipv4([10, 0, 0, 2], [10, 0, 0, 1]), ME), true);
    assert.equal(ipv4SourceIs(ipv4([10, 0, 0, 2], [10, 0, 0, 7]), ME), false);
    assert.equal(acceptsInboundIpv4(ipv4([10, 0, 0, 1], [10, 0, 0, 2]), ME), true);
    assert.equal(acceptsInboundIpv4(ipv4([10, 0, 0, 5], [10, 0, 0, 2]), ME), false);
    assert.equal(acceptsInboundIpv4(ipv4([10, 0, 0, 255], [10, 0, 0, 2], [255, 255, 255, 255, 255, 255]), ME), true);
  });

  it('builds the gratuitous ARP of the captured trace (Appendix D)', () => {
    const trace = readVectorJson<{ packets: { seq: number; hex: string }[] }>('wire', 'edge-trace-plain.json');
    const packet = fromHex(trace.packets.find((p) => p.seq === 6)!.hex);
    const captured = packet.subarray(38);
    assert.deepEqual(gratuitousArp(MAC, Uint8Array.from([10, 220, 61, 148])), captured);
  });

  it('finds the sender address in ARP, IPv4 and IPv6 frames, and none where it is unspecified', () => {
    assert.deepEqual(senderAddress(gratuitousArp(MAC, Uint8Array.from([10, 220, 61, 148]))), { family: 4, offset: 28 });
    assert.deepEqual(senderAddress(ipv4([10, 0, 0, 2], [10, 0, 0, 1])), { family: 4, offset: 26 });
    assert.equal(senderAddress(gratuitousArp(MAC, new Uint8Array(4))), undefined);
    const frame6 = new Uint8Array(14 + 40);
    frame6.set([0x86, 0xdd], 12);
    assert.equal(senderAddress(frame6), undefined);
    frame6[22] = 0xfe;
    assert.deepEqual(senderAddress(frame6), { family: 6, offset: 22 });
    assert.equal(senderAddress(frame6.subarray(0, 50)), undefined);
  });
});
