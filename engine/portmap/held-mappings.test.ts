import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { HeldMappings } from './held-mappings.js';
import type { PortMapper } from './port-mapper.js';
import type { MapResult } from './types.js';

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
});
