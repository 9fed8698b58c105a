// The hosted network's IPv6 pinholes through their life, against a router that maps no IPv4 (its
// WAN is behind carrier-grade NAT) but opens pinholes: the supernode's UDP and TCP pinholes open
// with hosting, the reachability line and the invite offer the IPv6 way, the edge's pinhole opens
// while it runs (and is advertised, as no IPv4 mapping exists), moves with a new global address,
// and goes when the edge stops; the supernode's go when the network is no longer hosted here.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EdgeSession } from '../engine/edge/api/edge-session.js';
import { defaultConfig } from '../engine/config/load.js';
import { Logger, LogLevel } from '../engine/log.js';
import type { PortMapper } from '../engine/portmap/port-mapper.js';
import type { MapResult, PinholeResult } from '../engine/portmap/types.js';
import { HOSTED_SUPERNODE_HOST } from '../engine/profiles/new-network.js';
import { ProfileStore } from '../engine/profiles/profile-store.js';
import type { Socket } from '../engine/protocol/index.js';
import { waitFor } from '../engine/testing/wait-for.js';
import { Hosting } from './hosting.js';

/** A router behind carrier-grade NAT with an IPv6 firewall that opens what it is asked to. */
function cgnatRouter(): { mapper: PortMapper; calls: string[] } {
  const calls: string[] = [];
  let id = 0;
  const mapper = Object.assign(new EventEmitter(), {
    map: ({ transport, internalPort }: { transport: string; internalPort: number }): Promise<MapResult> => {
      calls.push(`map ${transport} ${internalPort}`);
      return Promise.resolve({ ok: false, error: 'cgnat', detail: 'the router\'s external address 100.64.3.1 is shared', externalAddress: '100.64.3.1' });
    },
    openPinhole: ({ transport, address, port }: { transport: 'udp' | 'tcp'; address: string; port: number }): Promise<PinholeResult> => {
      calls.push(`pinhole ${transport} [${address}]:${port} #${++id}`);
      return Promise.resolve({ ok: true, value: { id, method: 'pcp', transport, address, port, lifetimeSeconds: 7200 } });
    },
    remove: (leaseId: number): Promise<void> => Promise.resolve(void calls.push(`remove #${leaseId}`)),
    close: (): Promise<void> => Promise.resolve(void calls.push('close')),
  });
  return { mapper: mapper as unknown as PortMapper, calls };
}

/** The part of an EdgeSession hosting follows: its state, its UDP port and what it advertises. */
function edgeSession(port: number): { session: EdgeSession; advertised: (Socket | undefined)[]; setState(state: string): void } {
  const events = new EventEmitter();
  let state = 'starting';
  const advertised: (Socket | undefined)[] = [];
  const session = {
    events,
    status: () => ({ state, localPort: port }),
    advertiseMapped: (socket: Socket | undefined) => void advertised.push(socket),
  };
  return {
    session: session as unknown as EdgeSession,
    advertised,
    setState(next: string) {
      state = next;
      events.emit('state-changed', { state: next });
    },
  };
}

describe('hosting: IPv6 pinholes', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-pinholes-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens, advertises, moves and removes the pinholes of the hosted supernode and the edge', async () => {
    const { mapper, calls } = cgnatRouter();
    let address6 = '2a0b:7a00:1::2';
    let supernodeClosed = false;
    const hosting = new Hosting({
      store: new ProfileStore(join(dir, 'profiles')),
      logger: new Logger(LogLevel.Normal, { write: () => undefined }),
      mapper,
      addressToward: (family) => Promise.resolve(family === 'IPv4' ? '10.79.1.2' : address6),
      startSupernode: ({ port }) =>
        Promise.resolve({
          port,
          reloadCommunities: () => true,
          registeredUsers: () => new Map<string, number>(),
          close: () => Promise.resolve(void (supernodeClosed = true)),
        }),
    });
    const config = defaultConfig('edge');
    config.community.name = 'pinholes';
    config.community.supernode = [{ host: HOSTED_SUPERNODE_HOST, port: 7654 }];

    await hosting.prepare('home', config);
    await waitFor(() => hosting.reachability().scope !== 'checking', 'the router to answer', 5_000);
    assert.deepEqual(calls.slice().sort(), ['map tcp 7654', 'map udp 7654', 'pinhole tcp [2a0b:7a00:1::2]:7654 #2', 'pinhole udp [2a0b:7a00:1::2]:7654 #1'].sort());
    const report = hosting.reachability();
    assert.equal(report.scope, 'ipv6');
    assert.equal(report.publicAddress6, '[2a0b:7a00:1::2]:7654');
    assert.match(report.message, /IPv4 cannot reach it \(carrier-grade NAT\)\.$/);
    const invite = await hosting.invite('parent');
    assert.deepEqual(invite?.ok === true ? invite.value.supernodes : invite, ['[2a0b:7a00:1::2]:7654', '10.79.1.2:7654']);

    // The edge: its pinhole while it runs, advertised for want of an IPv4 mapping.
    calls.length = 0;
    const edge = edgeSession(40000);
    hosting.attach(edge.session);
    edge.setState('registered');
    await waitFor(() => edge.advertised.length === 1, 'the edge to advertise its pinhole', 5_000);
    assert.deepEqual(edge.advertised, [{ family: 'IPv6', address: '2a0b:7a00:1::2', port: 40000 }]);
    assert.deepEqual(calls, ['map udp 40000', 'pinhole udp [2a0b:7a00:1::2]:40000 #3']);
    assert.equal(hosting.reachability().edgeMapped, '[2a0b:7a00:1::2]:40000');

    // A new global address (the provider renumbered): the old pinhole goes, a new one opens and is advertised.
    address6 = '2a0b:7a00:1::99';
    edge.setState('registered');
    await waitFor(() => edge.advertised.length === 2, 'the new pinhole to be advertised', 5_000);
    assert.deepEqual(edge.advertised[1], { family: 'IPv6', address: '2a0b:7a00:1::99', port: 40000 });
    assert.deepEqual(calls.slice(2), ['remove #3', 'pinhole udp [2a0b:7a00:1::99]:40000 #4']);

    // The edge stops: nothing advertised, its pinhole removed.
    calls.length = 0;
    edge.setState('stopped');
    await waitFor(() => calls.includes('remove #4'), "the edge's pinhole to go", 5_000);
    assert.equal(edge.advertised.at(-1), undefined);

    // Another network, hosted elsewhere: the supernode stops and its pinholes go.
    calls.length = 0;
    const elsewhere = defaultConfig('edge');
    elsewhere.community.name = 'cousins';
    elsewhere.community.supernode = [{ host: 'sn.example.net', port: 7654 }];
    await hosting.prepare('cousins', elsewhere);
    assert.deepEqual(calls.slice().sort(), ['remove #1', 'remove #2']);
    assert.equal(supernodeClosed, true);
    await hosting.close();
    assert.deepEqual(calls.at(-1), 'close');
  });
});
