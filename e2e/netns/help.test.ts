// The help session's engine side over a real VPN (issue 13): three edges of one encrypted network
// and a supernode in namespaces, and a fourth computer outside the network that can route to a
// member's VPN address. Request → prompt → allow → WebRTC signals relayed → stop from either side;
// decline and an unanswered prompt leave nothing running; a non-member is refused; two requests at
// once give one prompt and one busy. The prompt is shortened through the engine's test hook
// (test-fixtures/help-edge.ts), never through a setting.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createManagementClient, type EventSubscription } from '../../engine/mgmt/client.js';
import type { AnyMethodSpec } from '../../engine/mgmt/method-table.js';
import type { HelpEvent, HelpSession, HelpStatus } from '../../engine/help/api.js';
import { HELP_PORT } from '../../engine/help/wire.js';
import { daemonPid, edgeArgs, edgeStatus, observe, pingUntil, REPO, SETTLE_MS, startNetwork, startProgram, stopNetwork, waitFor, waitForRegistered, FAST, type KithProcess, type Network } from './kith.js';
import { netnsSkipReason, type Host } from './topology.js';

const skip = netnsSkipReason();
const HELP_EDGE = join(REPO, 'e2e', 'netns', 'test-fixtures', 'help-edge.ts');
const OUTSIDER = join(REPO, 'e2e', 'netns', 'test-fixtures', 'help-outsider.ts');
const TSX_LOADER = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
/** kith-edge's unix socket takes n3n's default management password. */
const PASSWORD = 'n3n';
const PROMPT_MS = 4_000;
const KEY = 'help-e2e-network-key';

type LooseTable = Readonly<Record<string, AnyMethodSpec & { handler: (params: never) => unknown }>>;

interface Member {
  readonly proc: KithProcess;
  readonly host: Host;
  readonly vpn: string;
  mac: string;
}

/** A help method on a member; the error text when refused. */
async function help<T>(member: Member, method: string, params?: unknown): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const client = createManagementClient<LooseTable>({ socketPath: member.proc.socketPath }, { timeoutMs: 5_000 });
  const result = await client.call(method, params as never, { password: PASSWORD });
  return result.ok ? { ok: true, value: result.value as T } : { ok: false, error: `${result.error} ${result.detail ?? ''}` };
}

async function status(member: Member): Promise<HelpStatus> {
  const reply = await help<HelpStatus>(member, 'kith.help.status');
  if (!reply.ok) throw new Error(`kith.help.status on ${member.proc.session}: ${reply.error}`);
  return reply.value;
}

async function request(helper: Member, helped: Member): Promise<HelpSession> {
  const reply = await help<HelpSession>(helper, 'kith.help.request', [helped.mac]);
  if (!reply.ok) throw new Error(`kith.help.request: ${reply.error}`);
  return reply.value;
}

/** Waits until `member` shows session `id` (or its current one) in the phase / with the reason wanted. */
async function waitForSession(member: Member, id: string, want: Partial<HelpSession>): Promise<HelpSession> {
  return waitFor(
    `${member.proc.session}: session ${id.slice(0, 8)} ${JSON.stringify(want)}`,
    async () => {
      const session = (await status(member)).sessions.find((candidate) => candidate.id === id);
      return session !== undefined && Object.entries(want).every(([field, value]) => session[field as keyof HelpSession] === value) ? session : undefined;
    },
    SETTLE_MS,
    100,
  );
}

const running = (help: HelpStatus): HelpSession[] => help.sessions.filter((session) => session.phase !== 'ended');

describe('netns: help sessions between the engines', { skip }, () => {
  let network: Network;
  let helper: Member;
  let helped: Member;
  let second: Member;
  let outsider: Host;
  /** The `kith.help` streams of the helped and the helper, and what each received. */
  const streams: EventSubscription[] = [];
  const helpedEvents: HelpEvent[] = [];
  const helperEvents: HelpEvent[] = [];

  const startMember = (host: Host, session: string, vpn: string): Member => {
    const args = edgeArgs(session, { community: 'help', supernodes: [network.supernode], address: `${vpn}/24`, key: KEY, extra: [...FAST, `-Oconnection.description=${session}`] });
    const proc = startProgram(network.topology, network.runDir, host, session, { main: HELP_EDGE, args, env: { KITH_TEST_HELP_PROMPT_MS: String(PROMPT_MS) } });
    return { proc, host, vpn, mac: '' };
  };

  before(async () => {
    network = await startNetwork();
    const { topology } = network;
    const [hostA, hostB, hostC] = [await topology.publicHost('a'), await topology.publicHost('b'), await topology.publicHost('c')];
    outsider = await topology.publicHost('x');
    helper = startMember(hostA, 'kitha', '10.99.0.1');
    helped = startMember(hostB, 'kithb', '10.99.0.2');
    second = startMember(hostC, 'kithc', '10.99.0.3');
    for (const member of [helper, helped, second]) {
      await waitForRegistered(member.proc, SETTLE_MS);
      member.mac = ((await edgeStatus(member.proc)) as unknown as { mac: string }).mac;
    }
    // Traffic both ways teaches each edge the other's VPN address.
    await pingUntil(topology, hostA.ns, helped.vpn, SETTLE_MS);
    await pingUntil(topology, hostC.ns, helped.vpn, SETTLE_MS);
    await pingUntil(topology, hostB.ns, helper.vpn, SETTLE_MS);
    await pingUntil(topology, hostB.ns, second.vpn, SETTLE_MS);
    for (const [member, received] of [[helped, helpedEvents], [helper, helperEvents]] as const) {
      const client = createManagementClient<LooseTable, Record<string, object>>({ socketPath: member.proc.socketPath });
      streams.push(client.subscribe('kith.help', (event) => void received.push(event as unknown as HelpEvent), { password: PASSWORD }));
    }
  });

  after(async () => {
    for (const stream of streams) stream.close();
    await stopNetwork(network);
  });

  it('each member finds the others able to take part (hello probe over the VPN)', async () => {
    await waitFor('the helper to see help possible with the helped', async () => ((await status(helper)).peers[helped.mac]?.possible === true ? true : undefined), SETTLE_MS);
    await waitFor('the helped to see help possible with both', async () => {
      const peers = (await status(helped)).peers;
      return peers[helper.mac]?.possible === true && peers[second.mac]?.possible === true ? true : undefined;
    }, SETTLE_MS);
  });

  it('request → prompt → allow → signals relayed both ways → sharing → stop by the helper ends both', async () => {
    const session = await request(helper, helped);
    assert.equal(session.phase, 'requesting');
    assert.deepEqual(session.self, { mac: helper.mac, name: 'kitha', vpnIpv4: helper.vpn });
    const prompt = await waitForSession(helped, session.id, { phase: 'prompting' });
    assert.deepEqual(prompt.peer, { mac: helper.mac, name: 'kitha', vpnIpv4: helper.vpn });
    assert.ok((await help(helped, 'kith.help.answer', [session.id, true])).ok);
    await waitForSession(helper, session.id, { phase: 'connecting' });
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 10.99.0.1\r\n' };
    assert.ok((await help(helper, 'kith.help.signal', [session.id, offer])).ok);
    await waitFor('the offer at the helped side', () => helpedEvents.find((event) => event.kind === 'signal' && event.id === session.id), SETTLE_MS, 100);
    assert.deepEqual(helpedEvents.find((event) => event.kind === 'signal' && event.id === session.id), { event: 'kith.help', kind: 'signal', id: session.id, signal: offer });
    const candidate = { type: 'candidate', candidate: `candidate:1 1 udp 2122260223 ${helped.vpn} 40000 typ host`, sdpMid: '0', sdpMLineIndex: 0 };
    assert.ok((await help(helped, 'kith.help.signal', [session.id, candidate])).ok);
    await waitFor('the candidate at the helper', () => helperEvents.find((event) => event.kind === 'signal' && event.id === session.id), SETTLE_MS, 100);
    assert.ok((await help(helper, 'kith.help.connected', [session.id])).ok);
    assert.ok((await help(helped, 'kith.help.connected', [session.id])).ok);
    await waitForSession(helped, session.id, { phase: 'sharing' });
    assert.ok((await help(helper, 'kith.help.stop', [session.id])).ok);
    await waitForSession(helped, session.id, { phase: 'ended', reason: 'stopped-there' });
    assert.equal((await waitForSession(helper, session.id, { phase: 'ended' })).reason, 'stopped-here');
  });

  it('the helped side stops, and nothing is relayed after the end', async () => {
    const session = await request(helper, helped);
    await waitForSession(helped, session.id, { phase: 'prompting' });
    assert.ok((await help(helped, 'kith.help.answer', [session.id, true])).ok);
    await waitForSession(helper, session.id, { phase: 'connecting' });
    assert.ok((await help(helped, 'kith.help.stop', [session.id])).ok);
    await waitForSession(helper, session.id, { phase: 'ended', reason: 'stopped-there' });
    const late = await help(helper, 'kith.help.signal', [session.id, { type: 'offer', sdp: 'v=0' }]);
    assert.equal(late.ok, false);
  });

  it("Don't allow ends both sides and leaves nothing running", async () => {
    const session = await request(helper, helped);
    await waitForSession(helped, session.id, { phase: 'prompting' });
    assert.ok((await help(helped, 'kith.help.answer', [session.id, false])).ok);
    await waitForSession(helper, session.id, { phase: 'ended', reason: 'declined' });
    assert.deepEqual(running(await status(helped)), []);
    assert.deepEqual(running(await status(helper)), []);
  });

  it('an unanswered prompt expires on both sides and leaves nothing running', async () => {
    const session = await request(helper, helped);
    const prompt = await waitForSession(helped, session.id, { phase: 'prompting' });
    assert.ok(prompt.promptExpiresAt !== undefined && prompt.promptExpiresAt - prompt.startedAt === PROMPT_MS);
    await waitForSession(helped, session.id, { phase: 'ended', reason: 'unanswered' });
    await waitForSession(helper, session.id, { phase: 'ended', reason: 'unanswered' });
    const late = await help(helped, 'kith.help.answer', [session.id, true]);
    assert.equal(late.ok, false, 'a late Allow shares nothing');
    assert.deepEqual(running(await status(helped)), []);
  });

  it('two requests at once: one prompt, the other helper is told busy', async () => {
    const [first, other] = await Promise.all([request(helper, helped), request(second, helped)]);
    const prompted = await waitFor(
      'one prompt on the helped side',
      async () => {
        const open = running(await status(helped));
        return open.length === 1 ? open[0] : undefined;
      },
      SETTLE_MS,
      100,
    );
    const [winner, loser, loserSession] = prompted.id === first.id ? [helper, second, other] : [second, helper, first];
    assert.ok(prompted.id === first.id || prompted.id === other.id);
    assert.equal(prompted.peer.mac, winner.mac);
    await waitForSession(loser, loserSession.id, { phase: 'ended', reason: 'busy' });
    assert.equal(running(await status(helped)).length, 1);
    assert.ok((await help(helped, 'kith.help.answer', [prompted.id, false])).ok);
    await waitForSession(winner, prompted.id, { phase: 'ended', reason: 'declined' });
  });

  it('Ask for help notes the request on the chosen helper and shares nothing', async () => {
    const sent = await help<{ sent: number }>(helped, 'kith.help.ask', [[helper.mac]]);
    assert.deepEqual(sent, { ok: true, value: { sent: 1 } });
    await waitFor('the note on the helper', async () => ((await status(helper)).asked.some((ask) => ask.from.mac === helped.mac) ? true : undefined), SETTLE_MS, 100);
    assert.ok(helperEvents.some((event) => event.kind === 'asked' && event.from.mac === helped.mac));
    assert.equal((await status(second)).asked.length, 0, 'only the chosen helper is asked');
    assert.deepEqual(running(await status(helper)), []);
    assert.deepEqual(running(await status(helped)), []);
  });

  it('a computer outside the network that routes to a VPN address is refused and creates nothing', async () => {
    const { topology } = network;
    await topology.exec(outsider.ns, 'ip', ['route', 'add', '10.99.0.0/24', 'via', helped.host.address]);
    const attempt = async (address: string): Promise<{ connected: boolean; closedByPeer: boolean }> => {
      const ran = await topology.tryExec(outsider.ns, process.execPath, ['--import', TSX_LOADER, OUTSIDER, address, String(HELP_PORT), helped.mac, helper.mac], 30_000);
      return JSON.parse(ran.stdout.trim()) as { connected: boolean; closedByPeer: boolean };
    };
    // Its packets reach the VPN address, but the source is outside the network: closed at once.
    const viaVpnAddress = await attempt(helped.vpn);
    assert.deepEqual({ connected: viaVpnAddress.connected, closedByPeer: viaVpnAddress.closedByPeer }, { connected: true, closedByPeer: true });
    // The service listens on the VPN address only, not on the computer's other addresses.
    const viaPublicAddress = await attempt(helped.host.address);
    assert.equal(viaPublicAddress.connected, false);
    assert.deepEqual(running(await status(helped)), []);
  });

  it('the helped edge stopping ends the session on the helper', async () => {
    const session = await request(helper, helped);
    await waitForSession(helped, session.id, { phase: 'prompting' });
    assert.ok((await help(helped, 'kith.help.answer', [session.id, true])).ok);
    await waitForSession(helper, session.id, { phase: 'connecting' });
    const pid = daemonPid(helped.proc);
    assert.ok(pid !== undefined, helped.proc.output());
    const started = Date.now();
    process.kill(pid, 'SIGTERM');
    const ended = await waitFor(
      'the session to end on the helper',
      async () => (await status(helper)).sessions.find((candidate) => candidate.id === session.id && candidate.phase === 'ended'),
      60_000,
      250,
    );
    assert.ok(ended.reason === 'stopped-there' || ended.reason === 'peer-gone', ended.reason);
    observe(`help: the helper saw the helped edge's stop as ${ended.reason ?? '?'} after ${Date.now() - started} ms`);
  });
});
