import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCommunitySubnet, chooseEdgeAddress, ipv4FromNumber, ipv4ToNumber, type Subnet } from './auto-ip.js';

const field = (name: string, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  out.set(Buffer.from(name));
  return out;
};
const min: Subnet = { network: ipv4ToNumber('10.128.0.0'), prefix: 24 };
const max: Subnet = { network: ipv4ToNumber('10.255.255.0'), prefix: 24 };
const subnetOf = (community: string, inUse: Subnet[] = []): Subnet => chooseCommunitySubnet(field(community, 20), min, max, inUse);

describe('automatic addresses (addresses observed from n3n, PROTOCOL.md §9.6)', () => {
  it('reads dotted quads as numbers, and text that is no IPv4 address as 0', () => {
    assert.equal(ipv4ToNumber('10.1.2.3'), 0x0a010203);
    assert.equal(ipv4ToNumber('255.255.255.255'), 0xffffffff);
    assert.equal(ipv4FromNumber(ipv4ToNumber('192.168.7.1')), '192.168.7.1');
    for (const text of ['', '10.1.2', '10.1.2.256', 'fe80::1', 'ten']) assert.equal(ipv4ToNumber(text), 0, text);
  });

  it('gives communities the same subnet n3n does', () => {
    const expected: Record<string, string> = {
      test: '10.200.175.0',
      vwcomm: '10.247.82.0',
      vwplain: '10.220.61.0',
      vwenc: '10.221.121.0',
      vwuser: '10.193.147.0',
    };
    for (const [community, network] of Object.entries(expected)) {
      assert.equal(ipv4FromNumber(subnetOf(community).network), network, community);
    }
  });

  it('gives edges the same address n3n does', () => {
    const cases: [string, string, string][] = [
      ['test', 'packetgenerator', '10.200.175.115'],
      ['test', 'ci_edge1', '10.200.175.139'],
      ['vwboot', 'edgeC', '10.234.255.31'],
      ['vwplain', 'plain1', '10.220.61.148'],
    ];
    for (const [community, description, address] of cases) {
      const chosen = chooseEdgeAddress(field(description, 16), subnetOf(community), () => false);
      assert.equal(chosen === undefined ? undefined : ipv4FromNumber(chosen), address, `${description}@${community}`);
    }
  });

  it('searches downwards, then upwards, for a free subnet and address', () => {
    const taken = subnetOf('test');
    const next = subnetOf('test', [taken]);
    assert.equal(next.network, taken.network - 256);
    const subnet: Subnet = { network: ipv4ToNumber('10.0.0.0'), prefix: 30 };
    const all = new Set([1, 2].map((h) => subnet.network + h));
    assert.equal(chooseEdgeAddress(field('x', 16), subnet, (address) => all.has(address)), undefined);
    const first = chooseEdgeAddress(field('x', 16), subnet, () => false);
    assert.ok(first !== undefined && first > subnet.network && first < subnet.network + 3);
  });
});
