// Registration work must not grow with the edge table (issue 9, item 7). Time is not measured here
// (bench/supernode.ts prints registrations/s and CPU per registration); this test counts the
// elements every Map and Set iteration in the process visits while a batch of registrations is
// handled, once with 1,000 edges registered and once with 8,000. A scan of the edge table per
// registration shows up as work that grows eightfold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType, NULL_MAC } from '../../engine/protocol/index.js';
import { ManualClock } from '../../engine/clock.js';
import { mac, registerSuper, simpleId } from '../supernode/messages.js';
import { SimPeer } from '../supernode/sim-peer.js';
import { startSupernode, testConfig } from '../supernode/start.js';

const COMMUNITY = 'scale';
const WINDOW = 100;
const MEASURED = 200;

const edgeMac = (i: number) => mac(`02:07:00:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`);
const edgeAddress = (i: number) => ({ address: `10.${7 + ((i + 1) >> 16)}.${((i + 1) >> 8) & 0xff}.${(i + 1) & 0xff}`, prefix: 8 });

/** Counts next() calls on every Map and Set iterator created while run() is pending. */
async function iterationSteps(run: () => Promise<void>): Promise<number> {
  let steps = 0;
  const patched: [object, PropertyKey, unknown][] = [];
  const wrap = (proto: object, key: PropertyKey): void => {
    const original = Reflect.get(proto, key) as (this: unknown, ...args: unknown[]) => IterableIterator<unknown>;
    patched.push([proto, key, original]);
    Reflect.set(proto, key, function (this: unknown, ...args: unknown[]) {
      const inner = original.apply(this, args);
      const counting: IterableIterator<unknown> = {
        next: () => {
          steps++;
          return inner.next();
        },
        [Symbol.iterator]: () => counting,
      };
      return counting;
    });
  };
  for (const proto of [Map.prototype, Set.prototype]) for (const key of ['values', 'keys', 'entries', Symbol.iterator]) wrap(proto, key);
  for (const proto of [Map.prototype, Set.prototype]) {
    const original = Reflect.get(proto, 'forEach') as (this: unknown, callback: (...args: unknown[]) => void) => void;
    patched.push([proto, 'forEach', original]);
    Reflect.set(proto, 'forEach', function (this: unknown, callback: (...args: unknown[]) => void, thisArg?: unknown) {
      original.call(this, (...args: unknown[]) => {
        steps++;
        callback.apply(thisArg, args);
      });
    });
  }
  try {
    await run();
  } finally {
    for (const [proto, key, original] of patched.reverse()) Reflect.set(proto, key, original);
  }
  return steps;
}

/** Registers edges [from, to) from one socket, WINDOW at a time, each answered before the next window. */
async function register(peer: SimPeer, port: number, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += WINDOW) {
    const end = Math.min(to, start + WINDOW);
    for (let i = start; i < end; i++) await peer.send(registerSuper(COMMUNITY, edgeMac(i), { cookie: i, auth: simpleId(1), devAddr: edgeAddress(i) }), port);
    for (let i = start; i < end; i++) await peer.nextOfType(MessageType.RegisterSuperAck, 10_000);
  }
}

/** Address requests (null MAC, no address) as edges send them at start-up (PROTOCOL.md §8.2). */
async function requestAddresses(peer: SimPeer, port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await peer.send(registerSuper(COMMUNITY, NULL_MAC, { description: `boot${i}`, auth: simpleId(2), devAddr: { address: '0.0.0.0', prefix: 8 } }), port);
  for (let i = 0; i < count; i++) await peer.nextOfType(MessageType.RegisterSuperAck, 10_000);
}

describe('security: registration cost and the size of the edge table', () => {
  it('handles registrations with the same work at 1,000 and at 8,000 edges', { timeout: 120_000 }, async () => {
    // One sender registers every edge here: the per-sender limits are not what is tested.
    const limits = { edgesPerAddress: 0, registrationsPerAddress: 0, registrationsPerCommunity: 0 };
    const { supernode, port } = await startSupernode(testConfig(), { clock: new ManualClock(), limits });
    const peer = await SimPeer.open();
    try {
      const measure = async (tableSize: number): Promise<number> => {
        await register(peer, port, supernode.edges().length, tableSize);
        assert.equal(supernode.edges().length, tableSize);
        return iterationSteps(async () => {
          await register(peer, port, tableSize, tableSize + MEASURED);
          await requestAddresses(peer, port, MEASURED / 2);
        });
      };
      const small = await measure(1_000);
      const large = await measure(8_000);
      assert.ok(large <= 2 * small + 10_000, `iteration steps for ${MEASURED} registrations and ${MEASURED / 2} address requests: ${small} at 1,000 edges, ${large} at 8,000`);
    } finally {
      await peer.close();
      await supernode.close();
    }
  });
});
