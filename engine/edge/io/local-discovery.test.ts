// LocalDiscovery: each family is joined on its own, so a segment without IPv4 (the IPv4 join fails
// with ENODEV) still announces on ff05::6e:336e, and a failed join is tried again later.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { LocalDiscovery, MULTICAST_GROUP_V4, MULTICAST_GROUP_V6 } from './local-discovery.js';
import type { DiscoveryFamily, DiscoverySocket } from './local-discovery.js';

/** A socket whose joins fail while its family is in `down`, and which can bind or not. */
class FakeSocket extends EventEmitter {
  joined: string[] = [];
  closed = false;
  constructor(
    private readonly family: DiscoveryFamily,
    private readonly down: Set<DiscoveryFamily>,
    private readonly bindFails: boolean,
  ) {
    super();
  }
  bind(_port: number, callback: () => void): this {
    setImmediate(() => (this.bindFails ? this.emit('error', Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE' })) : callback()));
    return this;
  }
  addMembership(group: string): void {
    if (this.down.has(this.family)) throw Object.assign(new Error('addMembership ENODEV'), { code: 'ENODEV' });
    this.joined.push(group);
  }
  close(callback?: () => void): this {
    this.closed = true;
    callback?.();
    return this;
  }
}

async function open(down: DiscoveryFamily[], bindFails: DiscoveryFamily[] = []) {
  const failures: string[] = [];
  const received: string[] = [];
  const sockets = new Map<DiscoveryFamily, FakeSocket>();
  const downSet = new Set(down);
  const discovery = await LocalDiscovery.open(
    ['IPv4', 'IPv6'],
    { received: (_bytes, address) => received.push(address), failed: (what, error) => failures.push(`${what}: ${error.message}`) },
    (family) => {
      const socket = new FakeSocket(family, downSet, bindFails.includes(family));
      sockets.set(family, socket);
      return socket as unknown as DiscoverySocket;
    },
  );
  return { discovery, failures, received, sockets, downSet };
}

describe('LocalDiscovery', () => {
  it('announces on both groups where both joins work', async () => {
    const { discovery, failures } = await open([]);
    assert.deepEqual(discovery.groups().map((group) => group.address), [MULTICAST_GROUP_V4, MULTICAST_GROUP_V6]);
    assert.deepEqual(failures, []);
  });

  it('announces on IPv6 alone on a segment without IPv4, and says why once', async () => {
    const { discovery, failures, sockets } = await open(['IPv4']);
    assert.deepEqual(discovery.groups(), [{ family: 'IPv6', address: MULTICAST_GROUP_V6, port: 1968 }]);
    discovery.groups();
    assert.deepEqual(failures, [`multicast ${MULTICAST_GROUP_V4}: addMembership ENODEV`]);
    assert.equal(sockets.get('IPv4')?.closed, false, 'kept for a later join');
  });

  it('joins a family later once its network comes up', async () => {
    const { discovery, downSet } = await open(['IPv4']);
    assert.equal(discovery.groups().length, 1);
    downSet.delete('IPv4');
    assert.deepEqual(discovery.groups().map((group) => group.family), ['IPv4', 'IPv6']);
  });

  it('leaves out a family whose port cannot be bound, and passes on what arrives', async () => {
    const { discovery, failures, received, sockets } = await open([], ['IPv4']);
    assert.deepEqual(discovery.groups().map((group) => group.family), ['IPv6']);
    assert.match(failures[0] ?? '', /^multicast 224\.0\.0\.68: bind EADDRINUSE$/);
    assert.equal(sockets.get('IPv4')?.closed, true);
    sockets.get('IPv6')?.emit('message', Buffer.from([1]), { address: 'fe80::1', port: 40000 });
    assert.deepEqual(received, ['fe80::1']);
    await discovery.close();
    assert.equal(sockets.get('IPv6')?.closed, true);
  });
});
