import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSupernode, type RunningSupernode } from '../../../supernode/testing/start.js';
import { ok } from '../../../shared/result.js';
import { quietLogger } from '../../testing/log.js';
import { waitFor } from '../../testing/wait-for.js';
import { EdgeSession } from './edge-session.js';
import { createMemoryFramePort } from '../io/frame-port.js';
import { edgeConfig } from '../testing/loopback-edge.js';

describe('edge session', () => {
  let sn: RunningSupernode;
  before(async () => void (sn = await startSupernode()));
  after(() => sn.supernode.close());

  it('restarts with a new config on the same port and keeps its event listeners', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const result = await EdgeSession.open({
      config: edgeConfig('one', sn.port, '127.0.0.21', (c) => (c.tuntap.name = 'kitha')),
      logger: quietLogger(),
      portName: (c) => c.tuntap.name ?? 'kith0',
      openPort: (name) => {
        opened.push(name);
        const port = createMemoryFramePort(Uint8Array.from([2, 0, 0, 0x66, 0, opened.length]));
        return Promise.resolve(ok(Object.assign(port, { name, close: () => void closed.push(name) })));
      },
      edgeOptions: { localDiscovery: false },
    });
    assert.ok(result.ok);
    const session = result.value;
    const states: string[] = [];
    session.events.on('state-changed', ({ state }) => states.push(state));
    await session.connect();
    await waitFor(() => session.status().state === 'registered', 'registration');

    assert.ok((await session.apply(edgeConfig('two', sn.port, '127.0.0.21', (c) => (c.tuntap.name = 'kitha')))).ok);
    await waitFor(() => session.status().state === 'registered', 'registration after the restart');
    assert.equal(session.settings.communityName, 'two');
    assert.deepEqual(opened, ['kitha']);
    assert.ok(states.includes('stopped') && states.at(-1) === 'registered');

    assert.ok((await session.apply(edgeConfig('two', sn.port, '127.0.0.21', (c) => (c.tuntap.name = 'kithb')))).ok);
    assert.deepEqual(opened, ['kitha', 'kithb']);
    assert.deepEqual(closed, ['kitha']);
    assert.equal(session.portName, 'kithb');

    const refused = await session.apply(edgeConfig('', sn.port, '127.0.0.21', (c) => (c.community.supernode = [])));
    assert.equal(refused.ok, false);
    assert.equal(session.settings.communityName, 'two');

    await session.disconnect();
    assert.ok((await session.apply(edgeConfig('three', sn.port, '127.0.0.21', (c) => (c.tuntap.name = 'kithb')))).ok);
    assert.equal(session.status().state, 'stopped');
    await session.close();
    assert.deepEqual(closed, ['kitha', 'kithb']);
  });
});
