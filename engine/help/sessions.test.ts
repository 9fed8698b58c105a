import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.js';
import type { HelpEvent, HelpPeerRef } from './api.js';
import { HelpSessions, PROMPT_MS } from './sessions.js';
import type { HelpBody } from './wire.js';

const helper: HelpPeerRef = { mac: '02:00:00:00:00:0a', name: 'helper', vpnIpv4: '10.99.0.1' };
const helped: HelpPeerRef = { mac: '02:00:00:00:00:0b', name: 'grandma', vpnIpv4: '10.99.0.2' };
const other: HelpPeerRef = { mac: '02:00:00:00:00:0c', name: 'cousin', vpnIpv4: '10.99.0.3' };

/** Two computers' state machines wired to each other directly; messages for `other` are kept aside. */
function pair() {
  const clock = new ManualClock();
  const table = [helper, helped, other];
  const events: { helper: HelpEvent[]; helped: HelpEvent[] } = { helper: [], helped: [] };
  const toOther: HelpBody[] = [];
  let connected = true;
  const machines = {} as { helper: HelpSessions; helped: HelpSessions };
  const make = (self: HelpPeerRef, side: 'helper' | 'helped'): HelpSessions => {
    const machine = new HelpSessions({
      clock,
      self: () => self,
      peer: (mac) => table.find((peer) => peer.mac === mac && peer.mac !== self.mac),
      send: (mac, body) => {
        if (mac === other.mac) return void toOther.push(body);
        if (!connected) return;
        const target = mac === helper.mac ? machines.helper : machines.helped;
        target.receive(self, body);
      },
    });
    machine.events.on('event', (event) => events[side].push(event));
    return machine;
  };
  machines.helper = make(helper, 'helper');
  machines.helped = make(helped, 'helped');
  return { clock, ...machines, events, toOther, cut: () => void (connected = false) };
}

const phases = (events: readonly HelpEvent[]): string[] => events.flatMap((event) => (event.kind === 'session' ? [`${event.session.phase}${event.session.reason === undefined ? '' : `:${event.session.reason}`}`] : []));

describe('help sessions: the state machine', () => {
  it('request → prompt → allow → connecting → sharing → stopped by the helper', () => {
    const { helper: h, helped: d, events } = pair();
    const request = h.request(helped.mac);
    assert.ok(request.ok);
    const [prompt] = d.list();
    assert.equal(prompt?.phase, 'prompting');
    assert.equal(prompt?.id, request.value.id);
    assert.deepEqual(prompt?.peer, helper);
    assert.equal(typeof prompt?.promptExpiresAt, 'number');
    assert.ok(d.answer(request.value.id, true).ok);
    assert.equal(h.list()[0]?.phase, 'connecting');
    assert.equal(h.list()[0]?.promptExpiresAt, undefined);
    assert.ok(h.connected(request.value.id).ok);
    assert.ok(d.connected(request.value.id).ok);
    assert.ok(h.stop(request.value.id).ok);
    assert.deepEqual(phases(events.helper), ['requesting', 'connecting', 'sharing', 'ended:stopped-here']);
    assert.deepEqual(phases(events.helped), ['prompting', 'connecting', 'sharing', 'ended:stopped-there']);
  });

  it('the helped side can stop too, and signals pass only while connecting or sharing', () => {
    const { helper: h, helped: d, events } = pair();
    const id = (h.request(helped.mac) as { value: { id: string } }).value.id;
    const early = h.signal(id, { type: 'offer', sdp: 'v=0' });
    assert.equal(!early.ok && early.error, 'wrong-phase', 'nothing is relayed before the helped person allows');
    d.answer(id, true);
    assert.ok(h.signal(id, { type: 'offer', sdp: 'v=0' }).ok);
    assert.ok(d.signal(id, { type: 'answer', sdp: 'v=0 answer' }).ok);
    assert.deepEqual(
      events.helped.filter((event) => event.kind === 'signal'),
      [{ kind: 'signal', id, signal: { type: 'offer', sdp: 'v=0' } }],
    );
    assert.deepEqual(
      events.helper.filter((event) => event.kind === 'signal'),
      [{ kind: 'signal', id, signal: { type: 'answer', sdp: 'v=0 answer' } }],
    );
    d.stop(id);
    assert.equal(h.list()[0]?.reason, 'stopped-there');
    const late = h.signal(id, { type: 'offer', sdp: 'v=0' });
    assert.equal(!late.ok && late.error, 'wrong-phase');
  });

  it('decline ends both sides', () => {
    const { helper: h, helped: d } = pair();
    const id = (h.request(helped.mac) as { value: { id: string } }).value.id;
    assert.equal((d.answer(id, false) as { value: { reason: string } }).value.reason, 'declined');
    assert.equal(h.list()[0]?.reason, 'declined');
  });

  it('an unanswered prompt ends as unanswered on both sides after 60 s, not before', () => {
    const { helper: h, helped: d, clock } = pair();
    h.request(helped.mac);
    clock.advance(PROMPT_MS - 1);
    d.tick();
    h.tick();
    assert.equal(d.list()[0]?.phase, 'prompting');
    clock.advance(1);
    d.tick();
    assert.equal(d.list()[0]?.reason, 'unanswered');
    assert.equal(h.list()[0]?.reason, 'unanswered');
    const late = d.answer(d.list()[0]!.id, true);
    assert.equal(!late.ok && late.error, 'wrong-phase', 'a late Allow shares nothing');
  });

  it('the helper gives up on its own when no answer comes', () => {
    const { helper: h, clock, cut } = pair();
    cut();
    h.request(helped.mac);
    clock.advance(PROMPT_MS);
    h.tick();
    assert.equal(h.list()[0]?.phase, 'requesting');
    clock.advance(5_000);
    h.tick();
    assert.equal(h.list()[0]?.reason, 'unanswered');
  });

  it('a second request while a prompt is open is answered busy and creates nothing', () => {
    const { helped: d, toOther } = pair();
    const first = 'aa'.repeat(16);
    const second = 'bb'.repeat(16);
    d.receive(helper, { kind: 'request', session: first });
    d.receive(other, { kind: 'request', session: second });
    assert.deepEqual(
      d.list().map((session) => session.id),
      [first],
    );
    assert.deepEqual(toOther, [{ kind: 'answer', session: second, answer: 'busy' }]);
  });

  it('a request while a session runs on this side is refused locally as busy', () => {
    const { helper: h } = pair();
    h.request(helped.mac);
    const again = h.request(other.mac);
    assert.equal(!again.ok && again.error, 'busy');
  });

  it('only the session’s own peer can answer, signal or stop it', () => {
    const { helper: h, helped: d, events } = pair();
    const id = (h.request(helped.mac) as { value: { id: string } }).value.id;
    h.receive(other, { kind: 'answer', session: id, answer: 'allow' });
    assert.equal(h.list()[0]?.phase, 'requesting');
    d.answer(id, true);
    h.receive(other, { kind: 'signal', session: id, signal: { type: 'offer', sdp: 'evil' } });
    h.receive(other, { kind: 'stop', session: id });
    assert.equal(h.list()[0]?.phase, 'connecting');
    assert.equal(events.helper.filter((event) => event.kind === 'signal').length, 0);
  });

  it('the peer leaving the table or help stopping here ends the session', () => {
    const { helper: h, helped: d } = pair();
    const id = (h.request(helped.mac) as { value: { id: string } }).value.id;
    d.answer(id, true);
    h.peerGone(helped.mac);
    assert.equal(h.list()[0]?.reason, 'peer-gone');
    d.stopAll();
    assert.equal(d.list()[0]?.reason, 'stopped-here');
  });

  it('ended sessions are forgotten after a while, and a new request can come', () => {
    const { helper: h, helped: d, clock } = pair();
    const id = (h.request(helped.mac) as { value: { id: string } }).value.id;
    d.answer(id, false);
    clock.advance(10_000);
    h.tick();
    d.tick();
    assert.deepEqual(h.list(), []);
    assert.deepEqual(d.list(), []);
    assert.ok(h.request(helped.mac).ok);
  });

  it('ask notifies the chosen peers (known ones only), not too often, and shares nothing', () => {
    const { helper: h, helped: d, events, clock } = pair();
    assert.equal(d.ask([helper.mac, helper.mac, '02:00:00:00:00:ff']), 1);
    assert.deepEqual(
      h.recentAsks().map((ask) => ask.from),
      [helped],
    );
    assert.equal(events.helper.filter((event) => event.kind === 'asked').length, 1);
    d.ask([helper.mac]);
    assert.equal(events.helper.filter((event) => event.kind === 'asked').length, 1, 'a repeat within 10 s is not shown again');
    clock.advance(10_000);
    d.ask([helper.mac]);
    assert.equal(events.helper.filter((event) => event.kind === 'asked').length, 2);
    assert.equal(h.recentAsks().length, 1, 'one note per peer');
    assert.deepEqual(h.list(), []);
    assert.deepEqual(d.list(), []);
  });
});
