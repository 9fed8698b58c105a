import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { HeldMappings } from './held-mappings.js';
import type { PortMapper } from './port-mapper.js';
import type { MapResult, PinholeResult } from './types.js';

/** The part of PortMapper HeldMappings uses, answering after a turn of the event loop as a router would. */
function recordingMapper(): { mapper: PortMapper; calls: string[] } {
  const calls: string[] = [];
  let id = 0;
  const mapper = Object.assign(new EventEmitter(), {
    map: async ({ transport, internalPort }: { transport: 'udp' | 'tcp'; internalPort: number }): Promise<MapResult> => {
      calls.push(`map ${transport} ${internalPort}`);
      await new Promise((resolve) => setImmediate(resolve));
      const value = { id: ++id, method: 'natpmp', transport, internalAddress: '10.0.0.2', internalPort, externalAddress: '192.0.3.1', externalPort: internalPort, lifetimeSeconds: 7200 } as const;
      return { ok: true, value };
    },
    openPinhole: async ({ transport, address, port }: { transport: 'udp' | 'tcp'; address: string; port: number }): Promise<PinholeResult> => {
      calls.push(`pinhole ${transport} [${address}]:${port}`);
      await new Promise((resolve) => setImmediate(resolve));
      return { ok: true, value: { id: ++id, method: 'pcp', transport, address, port, lifetimeSeconds: 7200 } };
    },
    remove: (mappingId: number): Promise<void> => Promise.resolve(void calls.push(`remove ${mappingId}`)),
    close: (): Promise<void> => Promise.resolve(void calls.push('close')),
  });
  return { mapper: mapper as unknown as PortMapper, calls };
}

describe('held mappings', () => {
  it('asks the router once when the same port is held twice at once, and keeps the mapping', async () => {
    const { mapper, calls } = recordingMapper();
    const held = new HeldMappings(mapper);
    const [first, second] = await Promise.all([held.hold('edge', 'udp', 5000), held.hold('edge', 'udp', 5000)]);
    assert.deepEqual(first, second);
    assert.deepEqual(calls, ['map udp 5000']);
    assert.equal(held.result('edge')?.ok, true);
  });

  it('gives the old mapping back when the port changes, and every mapping on release', async () => {
    const { mapper, calls } = recordingMapper();
    const held = new HeldMappings(mapper);
    await held.hold('edge', 'udp', 5000);
    await held.hold('edge', 'udp', 5001);
    await held.release('edge');
    assert.deepEqual(calls, ['map udp 5000', 'remove 1', 'map udp 5001', 'remove 2']);
    assert.equal(held.result('edge'), undefined);
  });

  it('gives back a mapping the router granted after it was released', async () => {
    const { mapper, calls } = recordingMapper();
    const held = new HeldMappings(mapper);
    const pending = held.hold('sn', 'tcp', 7654);
    await held.release('sn');
    await pending;
    assert.deepEqual(calls, ['map tcp 7654', 'remove 1']);
  });

  it('holds a pinhole beside the mapping of the same port, opens it again for a new address and closes both on release', async () => {
    const { mapper, calls } = recordingMapper();
    const held = new HeldMappings(mapper);
    await Promise.all([held.hold('edge', 'udp', 5000), held.holdPinhole('edge6', 'udp', '2a0b:7a00:1::2', 5000)]);
    await held.holdPinhole('edge6', 'udp', '2a0b:7a00:1::2', 5000);
    assert.equal(held.pinhole('edge6')?.ok, true);
    assert.equal(held.result('edge6'), undefined, 'a pinhole is not a mapping');
    assert.equal(held.pinhole('edge'), undefined, 'a mapping is not a pinhole');
    await held.holdPinhole('edge6', 'udp', '2a0b:7a00:1::3', 5000);
    await held.release('edge6');
    await held.release('edge');
    assert.deepEqual(calls, ['map udp 5000', 'pinhole udp [2a0b:7a00:1::2]:5000', 'remove 2', 'pinhole udp [2a0b:7a00:1::3]:5000', 'remove 3', 'remove 1']);
    assert.equal(held.pinhole('edge6'), undefined);
  });
});
