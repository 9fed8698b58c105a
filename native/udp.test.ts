// The addon's batched UDP socket (native/udp.ts, src/udp_linux.cc): batches both ways on 127.0.0.1
// and ::1, per-datagram TTL (seen by a receiver that reports it), local addresses both ways, GSO
// trains and GRO receives (also together with local addresses), oversized and odd input, and
// closing while datagrams are queued or a batch is being handled.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { addressBytes } from '../engine/protocol/address.js';
import { openUdpBatch, udpBatchSupported } from './udp.js';
import type { DatagramBatch, UdpBatchSocket, UdpBatchOptions } from './udp.js';

const skip = udpBatchSupported() ? false : 'no batched UDP socket on this platform (or the addon is not built)';

function open(options: UdpBatchOptions): UdpBatchSocket {
  const socket = openUdpBatch(options);
  assert.ok(socket !== undefined && 'send' in socket, `open failed: ${JSON.stringify(socket)}`);
  return socket;
}

interface Received {
  payload: Buffer;
  family: number;
  port: number;
  ttl: number;
  address: Uint8Array;
  /** The local address it came to (with recvLocalAddress). */
  local: Uint8Array | undefined;
}

/** A literal address in the 16-byte local-address layout (IPv4 as ::ffff:a.b.c.d). */
function asLocal(text: string): Uint8Array {
  const { family, bytes } = addressBytes(text)!;
  return family === 6 ? bytes : Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes]);
}

/** Collects datagrams until `count` arrived (or the timeout), copying them out of the reused slab. */
function collect(socket: UdpBatchSocket, count: number, timeoutMs = 3_000): { done: Promise<Received[]>; batches: number[] } {
  const got: Received[] = [];
  const batches: number[] = [];
  let finish: (value: Received[]) => void = () => undefined;
  const done = new Promise<Received[]>((resolve, reject) => {
    finish = resolve;
    setTimeout(() => reject(new Error(`received ${got.length} of ${count}`)), timeoutMs).unref();
  });
  const error = socket.onDatagrams(
    (batch: DatagramBatch) => {
      batches.push(batch.count);
      for (let i = 0; i < batch.count; i++) {
        const [offset, length, familyPort, ttl] = batch.meta.subarray(4 * i, 4 * i + 4);
        got.push({
          payload: Buffer.from(batch.data.subarray(offset, offset! + length!)),
          family: familyPort! >>> 16,
          port: familyPort! & 0xffff,
          ttl: ttl!,
          address: batch.addrs.slice(16 * i, 16 * i + 16),
          local: batch.locals?.slice(16 * i, 16 * i + 16),
        });
      }
      if (got.length >= count) finish(got);
    },
    (e) => assert.fail(e.message),
  );
  assert.equal(error, undefined);
  return { done, batches };
}

test('a batch of datagrams to 127.0.0.1 leaves in one queue and arrives in order with sources', { skip }, async () => {
  const receiver = open({ address: '127.0.0.1', port: 0 });
  const sender = open({ address: '127.0.0.1', port: 0 });
  try {
    const { done, batches } = collect(receiver, 50);
    const to = addressBytes('127.0.0.1')!;
    for (let i = 0; i < 50; i++) assert.ok(sender.send(Buffer.from(`datagram ${i}`.padEnd(100 + i, '.')), 4, to.bytes, receiver.localAddress.port, 0, i));
    const got = await done;
    assert.deepEqual(got.map((d) => d.payload.toString().split('.')[0]), Array.from({ length: 50 }, (_, i) => `datagram ${i}`));
    assert.ok(got.every((d) => d.family === 4 && d.port === sender.localAddress.port && d.address.subarray(0, 4).join('.') === '127.0.0.1'));
    assert.ok(batches.length < 50, `50 datagrams in ${batches.length} wake-ups`);
    assert.equal(sender.stats().sent, 50);
  } finally {
    sender.close();
    receiver.close();
  }
});

test('IPv6 ::1, and a dual-stack socket sends to IPv4 and reports IPv4 sources as IPv4', { skip }, async () => {
  const v6 = open({ address: '::1', port: 0 });
  const dual = open({ address: '::', port: 0 });
  const v4 = open({ address: '127.0.0.1', port: 0 });
  try {
    const six = collect(v6, 3);
    for (let i = 0; i < 3; i++) dual.send(Buffer.from([i]), 6, addressBytes('::1')!.bytes, v6.localAddress.port, 0, undefined);
    const got6 = await six.done;
    assert.deepEqual(got6.map((d) => [d.family, d.payload[0]]), [[6, 0], [6, 1], [6, 2]]);
    assert.deepEqual(got6[0]!.address, addressBytes('::1')!.bytes);

    const four = collect(dual, 1);
    v4.send(Buffer.from('to dual'), 4, addressBytes('127.0.0.1')!.bytes, dual.localAddress.port, 0, undefined);
    const [fromV4] = await four.done;
    assert.equal(fromV4!.family, 4);
    assert.equal(fromV4!.address.subarray(0, 4).join('.'), '127.0.0.1');
    // An IPv4 socket cannot reach IPv6.
    assert.equal(v4.send(Buffer.from('x'), 6, addressBytes('::1')!.bytes, 9, 0, undefined), false);
  } finally {
    v6.close();
    dual.close();
    v4.close();
  }
});

test('per-datagram TTL: set for exactly the datagrams that ask, IPv4, IPv4 through a dual-stack socket, and IPv6', { skip }, async () => {
  for (const [senderAddress, receiverAddress, family] of [
    ['127.0.0.1', '127.0.0.1', 4],
    ['::', '127.0.0.1', 4],
    ['::1', '::1', 6],
  ] as const) {
    const receiver = open({ address: receiverAddress, port: 0, recvTtl: true });
    const sender = open({ address: senderAddress, port: 0 });
    try {
      const { done } = collect(receiver, 3);
      const to = addressBytes(receiverAddress)!.bytes;
      sender.send(Buffer.from([1]), family, to, receiver.localAddress.port, 3, undefined);
      sender.send(Buffer.from([2]), family, to, receiver.localAddress.port, 0, undefined);
      sender.send(Buffer.from([3]), family, to, receiver.localAddress.port, 200, undefined);
      const got = await done;
      assert.deepEqual(
        got.map((d) => [d.payload[0], d.ttl]),
        [
          [1, 3],
          [2, 64],
          [3, 200],
        ],
        `${senderAddress} → ${receiverAddress}`,
      );
    } finally {
      sender.close();
      receiver.close();
    }
  }
});

test('local addresses: reported per datagram and used as the source of the answer (IPv4, dual-stack, IPv6)', { skip }, async () => {
  // 127.0.0.0/8 is all local: a wildcard socket receives on 127.0.0.1 and 127.0.0.2 alike.
  for (const [bind, family, targets] of [
    ['0.0.0.0', 'udp4', ['127.0.0.1', '127.0.0.2']],
    ['::', 'udp4', ['127.0.0.1', '127.0.0.2']],
    ['::', 'udp6', ['::1']],
  ] as const) {
    const server = open({ address: bind, port: 0, recvLocalAddress: true });
    const client = createSocket(family);
    try {
      await new Promise<void>((resolve) => client.bind(0, family === 'udp6' ? '::1' : '127.0.0.1', resolve));
      const locals: number[][] = [];
      const answeredFrom: string[] = [];
      const answers = new Promise<void>((resolve) => {
        client.on('message', (_bytes, remote) => {
          answeredFrom.push(remote.address);
          if (answeredFrom.length === targets.length) resolve();
        });
      });
      assert.equal(
        server.onDatagrams(
          (batch) => {
            for (let i = 0; i < batch.count; i++) {
              const local = batch.locals!.slice(16 * i, 16 * i + 16);
              locals.push([...local]);
              const familyPort = batch.meta[4 * i + 2]!;
              const v4 = familyPort >>> 16 === 4;
              server.send(Buffer.from('answer'), v4 ? 4 : 6, batch.addrs.slice(16 * i, 16 * i + (v4 ? 4 : 16)), familyPort & 0xffff, 0, undefined, local);
            }
          },
          (e) => assert.fail(e.message),
        ),
        undefined,
      );
      for (const target of targets) client.send(Buffer.from('ask'), server.localAddress.port, target);
      await Promise.race([answers, new Promise((_, reject) => setTimeout(() => reject(new Error(`answers from ${answeredFrom.join(', ')}`)), 3000).unref())]);
      assert.deepEqual(
        locals,
        targets.map((t) => [...asLocal(t)]),
        `${bind}: the address each datagram came to`,
      );
      assert.deepEqual(answeredFrom, [...targets], `${bind}: each answer from the address asked`);
    } finally {
      client.close();
      server.close();
    }
  }
});

test('oversized datagrams are dropped and counted; failed sends are reported with their tag; bad batches throw', { skip }, async () => {
  const receiver = open({ address: '127.0.0.1', port: 0, maxDatagram: 256 });
  const sender = createSocket('udp4');
  try {
    const { done } = collect(receiver, 1);
    await new Promise<void>((resolve) => sender.send(Buffer.alloc(1000), receiver.localAddress.port, '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => sender.send(Buffer.from('small'), receiver.localAddress.port, '127.0.0.1', () => resolve()));
    const [small] = await done;
    assert.equal(small!.payload.toString(), 'small');
    assert.equal(receiver.stats().truncated, 1);

    const failures: unknown[] = [];
    receiver.onSendError((_error, tag) => failures.push(tag));
    // Port 0 is not a destination: the kernel refuses it, the others still leave.
    const self = addressBytes('127.0.0.1')!.bytes;
    receiver.send(Buffer.from('a'), 4, self, 0, 0, 'bad');
    receiver.send(Buffer.from('b'), 4, self, receiver.localAddress.port, 0, 'good');
    receiver.flush();
    assert.deepEqual(failures, ['bad']);
    assert.equal(receiver.stats().sent, 1);
    assert.equal(receiver.send(Buffer.alloc(70_000), 4, self, 1, 0, undefined), false);
  } finally {
    sender.close();
    receiver.close();
  }
});

test('close while busy: inside the receive handler, with sends queued, twice; sends after close are refused', { skip }, async () => {
  const receiver = open({ address: '127.0.0.1', port: 0 });
  const sender = open({ address: '127.0.0.1', port: 0 });
  const marker = open({ address: '127.0.0.1', port: 0 });
  const { done: markerHeard } = collect(marker, 1);
  const to = addressBytes('127.0.0.1')!.bytes;
  let calls = 0;
  const closedInHandler = new Promise<void>((resolve) => {
    receiver.onDatagrams(
      () => {
        calls++;
        // Queue replies and close in the middle of the batch.
        receiver.send(Buffer.from('reply'), 4, to, sender.localAddress.port, 0, undefined);
        receiver.close();
        receiver.close();
        resolve();
      },
      () => undefined,
    );
  });
  for (let i = 0; i < 200; i++) sender.send(Buffer.alloc(1200, i), 4, to, receiver.localAddress.port, 0, undefined);
  await closedInHandler;
  // The rest of the 200 were queued before the close; a handler call for them would come before a
  // datagram sent after the close reaches another socket, and the loop turn that delivers it ends.
  sender.send(Buffer.from('marker'), 4, to, marker.localAddress.port, 0, undefined);
  await markerHeard;
  await new Promise((resolve) => setImmediate(resolve));
  marker.close();
  assert.equal(calls, 1);
  assert.equal(receiver.closed, true);
  assert.equal(receiver.send(Buffer.from('late'), 4, to, 9, 0, undefined), false);
  receiver.flush();
  // Closing with a queue that has not left yet.
  for (let i = 0; i < 10; i++) sender.send(Buffer.from('queued'), 4, to, 9, 0, undefined);
  sender.close();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sender.closed, true);
});

/** count datagrams of `size` bytes (the last `last` bytes long), each one different. */
function train(count: number, size: number, last: number, seed: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(i === count - 1 ? last : size, (seed + i * 7) & 0xff).fill(i & 0xff, 0, 2));
}

test('gso/gro on loopback: a run to one peer leaves as one message and arrives as the same datagrams, IPv4 and IPv6', { skip }, async () => {
  for (const address of ['127.0.0.1', '::1']) {
    for (const gro of [true, false]) {
      const receiver = open({ address, port: 0, gro, batchSize: 256 });
      const sender = open({ address, port: 0, gso: true });
      try {
        assert.deepEqual(sender.offload, { gso: true, gro: false }, 'this kernel takes UDP_SEGMENT');
        assert.equal(receiver.offload.gro, gro);
        const datagrams = train(46, 1200, 500, 3);
        const { done } = collect(receiver, datagrams.length);
        const to = addressBytes(address)!;
        for (const d of datagrams) assert.ok(sender.send(d, to.family, to.bytes, receiver.localAddress.port, 0, undefined));
        sender.flush();
        const got = await done;
        assert.deepEqual(got.map((d) => d.payload), datagrams, `${address} gro=${gro}: every datagram, in order`);
        assert.ok(got.every((d) => d.port === sender.localAddress.port && d.family === to.family));
        assert.equal(sender.stats().gsoSends, 1);
        assert.equal(sender.stats().sent, datagrams.length);
        if (gro) assert.ok(receiver.stats().groBuffers >= 1, 'the kernel handed them over together');
        assert.equal(receiver.stats().received, datagrams.length);
      } finally {
        sender.close();
        receiver.close();
      }
    }
  }
});

test('gso: runs only where allowed — mixed peers, sizes and TTLs all arrive as sent', { skip }, async () => {
  const a = open({ address: '127.0.0.1', port: 0, gro: true, recvTtl: true, batchSize: 256 });
  const b = open({ address: '127.0.0.1', port: 0, recvTtl: true, batchSize: 256 });
  const sender = open({ address: '127.0.0.1', port: 0, gso: true, batchSize: 256 });
  try {
    const to = addressBytes('127.0.0.1')!.bytes;
    // [peer, size, ttl]: runs broken by another peer, a TTL, a larger datagram after a shorter one, an empty one.
    const plan: [UdpBatchSocket, number, number][] = [
      ...Array.from({ length: 5 }, (): [UdpBatchSocket, number, number] => [a, 1000, 0]),
      [b, 1000, 0],
      ...Array.from({ length: 3 }, (): [UdpBatchSocket, number, number] => [a, 1000, 0]),
      [a, 1000, 5],
      [a, 600, 0],
      [a, 1000, 0],
      [a, 0, 0],
      ...Array.from({ length: 4 }, (): [UdpBatchSocket, number, number] => [b, 300, 0]),
    ];
    const expected = new Map<UdpBatchSocket, [number, number][]>([
      [a, []],
      [b, []],
    ]);
    const ca = collect(a, plan.filter(([p]) => p === a).length);
    const cb = collect(b, plan.filter(([p]) => p === b).length);
    plan.forEach(([peer, size, ttl], i) => {
      sender.send(Buffer.alloc(size, i), 4, to, peer.localAddress.port, ttl, undefined);
      expected.get(peer)!.push([size === 0 ? -1 : i, ttl === 0 ? 64 : ttl]);
    });
    sender.flush();
    const [gotA, gotB] = await Promise.all([ca.done, cb.done]);
    const seen = (got: Received[]): [number, number][] => got.map((d) => [d.payload.length === 0 ? -1 : d.payload[0]!, d.ttl]);
    assert.deepEqual(seen(gotA), expected.get(a));
    assert.deepEqual(seen(gotB), expected.get(b));
    assert.deepEqual(gotA.map((d) => d.payload.length), plan.filter(([p]) => p === a).map(([, size]) => size));
    // Trains: a×5, a×3, [a 600 alone or ending a train], b×4 — and never the TTL one.
    assert.ok(sender.stats().gsoSends >= 3, `gsoSends ${sender.stats().gsoSends}`);
    assert.equal(sender.stats().sent, plan.length);
  } finally {
    sender.close();
    a.close();
    b.close();
  }
});

test('gso and gro stay off unless asked for', { skip }, async () => {
  const receiver = open({ address: '127.0.0.1', port: 0 });
  const sender = open({ address: '127.0.0.1', port: 0 });
  try {
    assert.deepEqual(sender.offload, { gso: false, gro: false });
    const { done } = collect(receiver, 10);
    for (const d of train(10, 800, 800, 1)) sender.send(d, 4, addressBytes('127.0.0.1')!.bytes, receiver.localAddress.port, 0, undefined);
    sender.flush();
    await done;
    assert.equal(sender.stats().gsoSends, 0);
    assert.equal(receiver.stats().groBuffers, 0);
  } finally {
    sender.close();
    receiver.close();
  }
});

test('gso/gro with local addresses: a train leaves from the source it names and groups one source only; GRO-cut datagrams report the address they came to', { skip }, async () => {
  // 127.0.0.0/8 is all local: wildcard sockets send from and receive on any of it.
  for (const bind of ['0.0.0.0', '::']) {
    const receiver = open({ address: bind, port: 0, gro: true, recvTtl: true, recvLocalAddress: true, batchSize: 256 });
    const sender = open({ address: bind, port: 0, gso: true, batchSize: 256 });
    try {
      assert.equal(sender.offload.gso, true, 'this kernel takes UDP_SEGMENT');
      assert.equal(receiver.offload.gro, true, 'this kernel takes UDP_GRO');
      // Runs of one size: [to, from (undefined: the kernel's choice, 127.0.0.1 on lo), datagrams, ttl].
      const plan: [string, string | undefined, number, number][] = [
        ['127.0.0.2', '127.0.0.5', 8, 0],
        ['127.0.0.2', '127.0.0.6', 8, 0], // same destination, another source: a train of its own
        ['127.0.0.2', '127.0.0.5', 1, 9], // a TTL of its own, and a source
        ['127.0.0.2', undefined, 6, 0],
        ['127.0.0.3', '127.0.0.5', 8, 0], // another local address of the receiver
        ...(bind === '::' ? [['::1', '::1', 8, 0] as [string, string, number, number]] : []),
      ];
      const expected: [number, number[], number[], number][] = [];
      for (const [to, from, count, ttl] of plan) {
        const destination = addressBytes(to)!;
        for (let k = 0; k < count; k++) {
          const index = expected.length;
          assert.ok(sender.send(Buffer.alloc(1000, index), destination.family, destination.bytes, receiver.localAddress.port, ttl, undefined, from === undefined ? undefined : asLocal(from)));
          expected.push([index, [...addressBytes(from ?? '127.0.0.1')!.bytes], [...asLocal(to)], ttl === 0 ? 64 : ttl]);
        }
      }
      const { done } = collect(receiver, expected.length);
      sender.flush();
      const got = await done;
      const seen = got.map((d): [number, number[], number[], number] => [d.payload[0]!, [...d.address.subarray(0, d.family === 4 ? 4 : 16)], [...d.local!], d.ttl]);
      assert.deepEqual(seen, expected, `${bind}: [datagram, from, came to, ttl] each`);
      assert.ok(got.every((d) => d.payload.length === 1000 && d.port === sender.localAddress.port));
      const trains = plan.filter(([, , count]) => count > 1).length;
      assert.deepEqual(
        { gsoSends: sender.stats().gsoSends, gsoRefused: sender.stats().gsoRefused, sendErrors: sender.stats().sendErrors, sent: sender.stats().sent },
        { gsoSends: trains, gsoRefused: 0, sendErrors: 0, sent: expected.length },
        `${bind}: one message per run, none refused`,
      );
      assert.ok(receiver.stats().groBuffers >= 1, 'the kernel handed runs over together');
    } finally {
      sender.close();
      receiver.close();
    }
  }
});

test('arrivedAt is when the kernel received the datagram, not when the busy process woke up (with and without gro)', { skip }, async () => {
  for (const gro of [false, true]) {
    const receiver = open({ address: '127.0.0.1', port: 0, gro });
    const sender = createSocket('udp4');
    try {
      const arrived = new Promise<number>((resolve) => receiver.onDatagrams((batch) => resolve(batch.arrivedAt), (e) => assert.fail(e.message)));
      await new Promise<void>((resolve, reject) => sender.send('probe', receiver.localAddress.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      const sentAt = performance.timeOrigin + performance.now();
      // The event loop is held up after the datagram is in the receiver's queue.
      while (performance.timeOrigin + performance.now() - sentAt < 200);
      const arrivedAt = await arrived;
      assert.ok(arrivedAt < sentAt + 100, `gro ${gro}: reported ${(arrivedAt - sentAt).toFixed(3)} ms after the send, the loop was held up for 200 ms`);
      assert.ok(arrivedAt > sentAt - 1_000, `gro ${gro}: reported ${(sentAt - arrivedAt).toFixed(3)} ms before the send`);
    } finally {
      receiver.close();
      sender.close();
    }
  }
});
