// Two help services on loopback addresses standing in for VPN addresses (127.0.0.0/8 as the
// network's subnet), with fake peer tables: the signalling, its checks and the session over real
// TCP, without namespaces. The e2e test (e2e/netns/help.test.ts) does the same over a real VPN.
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../clock.js';
import { EdgeEvents } from '../edge/api/events.js';
import type { PeerView } from '../edge/api/views.js';
import { waitFor } from '../testing/wait-for.js';
import type { HelpEvent } from './api.js';
import { HelpService, PEER_SILENT_GRACE_MS, type HelpEdge } from './help-service.js';
import { Signalling } from './signalling.js';
import { encodeFrame, helpKey, MAX_AGE_MS, newNonce } from './wire.js';

const NETWORK_KEY = Buffer.from('a shared network key');
const COMMUNITY = 'kith-home';

interface FakeEdge extends HelpEdge {
  table: PeerView[];
  key: Uint8Array;
}

function fakeEdge(mac: string, address: string, description: string): FakeEdge {
  const edge = {
    table: [] as PeerView[],
    key: NETWORK_KEY as Uint8Array,
    events: new EdgeEvents(),
    get settings() {
      return { key: edge.key, communityName: COMMUNITY } as HelpEdge['settings'];
    },
    status: () => ({ state: 'registered', mac, description, address: { address, prefix: 8 } }) as ReturnType<HelpEdge['status']>,
    peers: () => edge.table,
    peer: (wanted: string) => edge.table.find((view) => view.mac === wanted),
  };
  return edge;
}

const peerView = (mac: string, vpnIpv4: string, description: string): PeerView => ({ mac, vpnIpv4, description, answering: true }) as PeerView;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const A = { mac: '02:00:00:00:00:0a', ip: '127.0.0.2' };
const B = { mac: '02:00:00:00:00:0b', ip: '127.0.0.3' };
const STRANGER = { mac: '02:00:00:00:00:0c', ip: '127.0.0.4' };
/** A's clock, moved ahead to stand for a long silence (within the messages' 60 s window). */
const clockA = { skewMs: 0, nowMs: () => systemClock.nowMs() + clockA.skewMs };

describe('help service: two edges over loopback TCP', () => {
  let port: number;
  let edgeA: FakeEdge;
  let edgeB: FakeEdge;
  let a: HelpService;
  let b: HelpService;
  const eventsA: HelpEvent[] = [];
  const eventsB: HelpEvent[] = [];

  before(async () => {
    port = await freePort();
    edgeA = fakeEdge(A.mac, A.ip, 'helper');
    edgeB = fakeEdge(B.mac, B.ip, 'grandma');
    edgeA.table = [peerView(B.mac, B.ip, 'grandma')];
    edgeB.table = [peerView(A.mac, A.ip, 'helper')];
    a = new HelpService({ edge: edgeA, log: () => undefined, port, clock: clockA });
    b = new HelpService({ edge: edgeB, log: () => undefined, port });
    a.events.on('event', (event) => eventsA.push(event));
    b.events.on('event', (event) => eventsB.push(event));
    a.start();
    b.start();
  });

  /** A signalling service at STRANGER's address that sends as `mac` with `key`. */
  async function stranger(mac: string, key: Buffer): Promise<Signalling> {
    const listening = await Signalling.listen({ address: STRANGER.ip, prefix: 8, selfMac: mac, key, clock: systemClock, peer: () => undefined, onMessage: () => undefined, onUnreachable: () => undefined, log: () => undefined, port });
    assert.ok(listening.ok);
    return listening.value;
  }

  after(async () => {
    await a.close();
    await b.close();
  });

  it('each finds that help is possible with the other (hello probe)', async () => {
    await waitFor(() => a.status().peers[B.mac]?.possible === true && b.status().peers[A.mac]?.possible === true, 'both peers to answer the hello');
    assert.ok(eventsA.some((event) => event.kind === 'availability' && event.mac === B.mac && event.availability.possible));
  });

  it('request → prompt → allow → signals both ways → stop by the helped side', async () => {
    const session = a.sessions.request(B.mac);
    assert.ok(session.ok);
    assert.deepEqual(session.value.self, { mac: A.mac, name: 'helper', vpnIpv4: A.ip });
    await waitFor(() => b.status().sessions[0]?.phase === 'prompting', 'the prompt on the helped side');
    assert.deepEqual(b.status().sessions[0]?.peer, { mac: A.mac, name: 'helper', vpnIpv4: A.ip });
    assert.ok(b.sessions.answer(session.value.id, true).ok);
    await waitFor(() => a.status().sessions[0]?.phase === 'connecting', 'the helper to see the Allow');
    assert.ok(a.sessions.signal(session.value.id, { type: 'offer', sdp: 'v=0 offer' }).ok);
    await waitFor(() => eventsB.some((event) => event.kind === 'signal'), 'the offer to arrive');
    assert.ok(b.sessions.signal(session.value.id, { type: 'candidate', candidate: `candidate:1 1 udp 1 ${B.ip} 9 typ host`, sdpMid: '0', sdpMLineIndex: 0 }).ok);
    await waitFor(() => eventsA.some((event) => event.kind === 'signal'), 'the candidate to arrive');
    b.sessions.stop(session.value.id);
    await waitFor(() => a.status().sessions[0]?.reason === 'stopped-there', 'the stop to reach the helper');
  });

  it('refuses frames from a non-member and from a member posing as another, and creates nothing', async () => {
    const before = { ...b.dropped() };
    const helpedSessions = b.status().sessions.length;
    // A computer that can reach B's address but has another key: its frames do not verify.
    const outsider = await stranger(STRANGER.mac, helpKey(Buffer.from('another network'), COMMUNITY));
    outsider.send({ mac: B.mac, name: '', vpnIpv4: B.ip }, { kind: 'request', session: 'cd'.repeat(16) });
    await waitFor(() => (b.dropped()['bad-tag'] ?? 0) > (before['bad-tag'] ?? 0), 'the outsider frame to be refused');
    await outsider.close();

    // One with the key that claims to be A from another address: the peer table says A is elsewhere.
    const impostor = await stranger(A.mac, helpKey(NETWORK_KEY, COMMUNITY));
    impostor.send({ mac: B.mac, name: '', vpnIpv4: B.ip }, { kind: 'request', session: 'ef'.repeat(16) });
    await waitFor(() => (b.dropped()['wrong-source'] ?? 0) > (before['wrong-source'] ?? 0), 'the impostor frame to be refused');
    await impostor.close();
    assert.equal(b.status().sessions.length, helpedSessions);
  });

  it('refuses a replayed frame and a stale one from a member', async () => {
    const before = { ...b.dropped() };
    const key = helpKey(NETWORK_KEY, COMMUNITY);
    const fresh = encodeFrame(key, { kind: 'ask', from: A.mac, to: B.mac, at: Date.now(), nonce: newNonce() })!;
    const stale = encodeFrame(key, { kind: 'ask', from: A.mac, to: B.mac, at: Date.now() - MAX_AGE_MS - 5_000, nonce: newNonce() })!;
    const socket = connect({ host: B.ip, port, localAddress: A.ip });
    socket.on('error', () => undefined);
    socket.write(Buffer.concat([fresh, fresh, stale]));
    await waitFor(() => (b.dropped()['stale'] ?? 0) > (before['stale'] ?? 0), 'the stale frame to be refused');
    assert.equal(b.dropped()['replayed'], (before['replayed'] ?? 0) + 1);
    assert.equal(b.status().asked.filter((ask) => ask.from.mac === A.mac).length, 1, 'the first copy counts once');
    socket.destroy();
  });

  it('closes a connection that announces an oversized frame', async () => {
    const before = b.dropped()['oversized'] ?? 0;
    // From another address in the subnet: A's own connections count against A's limit.
    const socket = connect({ host: B.ip, port, localAddress: STRANGER.ip });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await closed;
    assert.equal(b.dropped()['oversized'], before + 1);
  });

  it('refuses connections from outside the network subnet', async () => {
    const outside = await Signalling.listen({ address: B.ip, prefix: 32, selfMac: B.mac, key: helpKey(NETWORK_KEY, COMMUNITY), clock: systemClock, peer: () => undefined, onMessage: () => undefined, onUnreachable: () => undefined, log: () => undefined, port: port + 1 }).catch(() => undefined);
    if (outside === undefined || !outside.ok) return assert.fail('could not listen for the subnet check');
    const socket = connect({ host: B.ip, port: port + 1, localAddress: A.ip });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(outside.value.dropped()['outside-subnet'], 1);
    await outside.value.close();
  });

  it('a request to a peer where nothing listens fails at once', async () => {
    await waitFor(() => a.status().sessions.every((session) => session.phase === 'ended'), 'the previous session to end');
    const NOBODY = { mac: '02:00:00:00:00:0d', ip: '127.0.0.5' };
    edgeA.table = [peerView(B.mac, B.ip, 'grandma'), peerView(NOBODY.mac, NOBODY.ip, 'old laptop')];
    const session = a.sessions.request(NOBODY.mac);
    assert.ok(session.ok);
    await waitFor(() => a.status().sessions[0]?.reason === 'failed', 'the request to fail');
    edgeA.table = [peerView(B.mac, B.ip, 'grandma')];
  });

  it('a peer counts as not running help only after three unanswered hellos, five seconds apart', () => {
    const quiet = { mac: '02:00:00:00:00:0d', ip: '127.0.0.5' };
    edgeA.table = [peerView(B.mac, B.ip, 'grandma'), peerView(quiet.mac, quiet.ip, 'printer')];
    const seen: (string | undefined)[] = [];
    for (const skew of [0, 5_000, 10_000, 15_000]) {
      clockA.skewMs = skew;
      a.tick();
      const availability = a.status().peers[quiet.mac];
      seen.push(availability?.possible === false ? availability.why : 'possible');
    }
    assert.deepEqual(seen, ['checking', 'checking', 'checking', 'not-kith']);
    clockA.skewMs = 0;
    edgeA.table = [peerView(B.mac, B.ip, 'grandma')];
    a.tick();
  });

  it('a peer leaving the table or falling silent ends its session; losing the key stops help and says why', async () => {
    await waitFor(() => b.status().sessions.every((session) => session.phase === 'ended'), 'the previous session to end');
    const session = a.sessions.request(B.mac);
    assert.ok(session.ok);
    await waitFor(() => b.status().sessions[0]?.phase === 'prompting', 'the prompt');
    edgeB.table = [];
    edgeB.events.emit('peer-removed', { mac: A.mac, reason: 'purged' });
    assert.equal(b.status().sessions[0]?.reason, 'peer-gone');
    edgeB.table = [peerView(A.mac, A.ip, 'helper')];
    // B could not tell A (A was gone from its table); A's side sees B fall silent instead.
    const silent = a.status().sessions[0]!;
    assert.equal(silent.phase, 'requesting');
    edgeA.table = [{ ...peerView(B.mac, B.ip, 'grandma'), answering: false }];
    a.tick();
    assert.equal(a.status().sessions[0]?.phase, 'requesting', 'a short silence (a busy machine) does not end the session');
    clockA.skewMs = PEER_SILENT_GRACE_MS;
    a.tick();
    assert.equal(a.status().sessions[0]?.reason, 'peer-gone');
    clockA.skewMs = 0;
    edgeA.table = [peerView(B.mac, B.ip, 'grandma')];

    edgeA.key = new Uint8Array();
    a.tick();
    await waitFor(() => a.problem() === 'no-key', 'help to stop without a key');
    assert.deepEqual(a.status().peers[B.mac], { possible: false, why: 'no-key' });
    const refused = a.sessions.request(B.mac);
    assert.equal(!refused.ok && refused.error, 'no-self');
  });
});
