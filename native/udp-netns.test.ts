// UDP GSO/GRO between two network namespaces over a veth pair (root; everything inside namespaces
// made and deleted here): a run of datagrams leaves as one message and arrives as the same
// datagrams, and a run the kernel refuses (datagrams larger than the link's MTU) goes again one by
// one and still arrives whole.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { udpBatchSupported, type UdpBatchStats } from './udp.js';
import { fixture, haveIp, isRoot, must, namespacePair } from './test-fixtures/host.js';

const worker = fixture('udp-worker.ts');
const skip = !isRoot || !haveIp ? 'needs root and iproute2' : !udpBatchSupported() ? 'no batched UDP socket here' : false;

interface Report {
  ok: boolean;
  hash: string;
  sizes?: number[];
  stats: UdpBatchStats;
  offload: { gso: boolean; gro: boolean };
}

function last(out: string): Report {
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as Report;
}

/** Starts the receiver in nsB, sends from nsA, and returns both reports. */
async function exchange(nsA: string, nsB: string, address: string, size: number, count: number, lastSize: number): Promise<{ sent: Report; got: Report }> {
  const receiver = spawn('ip', ['netns', 'exec', nsB, process.execPath, '--import', 'tsx', worker, 'receive', address, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  receiver.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => receiver.once('exit', () => resolve()));
  for (let i = 0; i < 500 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(out.includes('ready'), 'receiver started');
  const sent = last(must('ip', ['netns', 'exec', nsA, process.execPath, '--import', 'tsx', worker, 'send', address, String(size), String(count), String(lastSize)]));
  await exited;
  return { sent, got: last(out) };
}

describe('UDP GSO/GRO across namespaces', { skip }, () => {
  const { a: nsA, b: nsB } = namespacePair('udp');
  before(() => {
    must('ip', ['-n', nsA, 'link', 'add', 'kudpa', 'type', 'veth', 'peer', 'name', 'kudpb', 'netns', nsB]);
    for (const [ns, dev, v4, v6] of [
      [nsA, 'kudpa', '10.96.0.1/24', 'fd96::1/64'],
      [nsB, 'kudpb', '10.96.0.2/24', 'fd96::2/64'],
    ] as const) {
      must('ip', ['-n', ns, 'link', 'set', dev, 'mtu', '1280', 'up']);
      must('ip', ['-n', ns, 'address', 'add', v4, 'dev', dev]);
      must('ip', ['-n', ns, 'address', 'add', v6, 'dev', dev, 'nodad']);
    }
  });

  for (const address of ['10.96.0.2', 'fd96::2']) {
    it(`${address}: a run within the MTU leaves as one message and arrives datagram by datagram`, { timeout: 60_000 }, async () => {
      const { sent, got } = await exchange(nsA, nsB, address, 1200, 40, 333);
      assert.deepEqual(sent.offload, { gso: true, gro: false });
      assert.deepEqual(got.offload, { gso: false, gro: true });
      assert.equal(sent.stats.gsoSends, 1);
      assert.equal(sent.stats.sent, 40);
      assert.deepEqual(got.sizes, [...Array<number>(39).fill(1200), 333]);
      assert.equal(got.hash, sent.hash, 'the same bytes, in order');
      assert.ok(got.stats.groBuffers >= 1, 'the veth kept the run together up to the socket');
    });

    it(`${address}: a run the kernel refuses (larger than the MTU) goes one by one and still arrives`, { timeout: 60_000 }, async () => {
      const { sent, got } = await exchange(nsA, nsB, address, 1400, 12, 1400);
      assert.equal(sent.stats.gsoRefused, 1);
      assert.equal(sent.stats.gsoSends, 0);
      assert.equal(sent.stats.sent, 12);
      assert.equal(sent.stats.sendErrors, 0);
      assert.deepEqual(got.sizes, Array<number>(12).fill(1400));
      assert.equal(got.hash, sent.hash);
    });
  }
});
