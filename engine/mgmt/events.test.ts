import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { basicAuthorization } from './auth.js';
import { combineExtensions } from './extension.js';
import { topic } from './topics.js';
import { eventually, exchange, openSocket, parseResponses, PASSWORD, postV1, startServer, unixTarget, type RunningServer, type Target } from './test-support.js';

interface Subscriber {
  readonly socket: Socket;
  text(): string;
}

async function subscribe(target: Target, topic: string): Promise<Subscriber> {
  const socket = await openSocket(target);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const text = (): string => Buffer.concat(chunks).toString('latin1');
  const host = 'port' in target ? `${target.host}:${target.port}` : 'x';
  socket.write(`GET /events/${topic} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basicAuthorization(PASSWORD)}\r\n\r\n`);
  assert.ok(await eventually(() => text().includes('\r\n\r\n')), 'subscription headers');
  return { socket, text };
}

async function helpEvents(running: RunningServer): Promise<string> {
  const reply = await exchange(unixTarget(running), postV1('{"jsonrpc":"2.0","method":"help.events","id":1}'));
  return reply.toString('latin1').split('\r\n\r\n')[1] ?? '';
}

const HEADERS = 'HTTP/1.1 200 event\r\nContent-Type: application/json\r\n\r\n';

describe('event streams (MANAGEMENT.md §7)', () => {
  let running: RunningServer;
  before(async () => {
    running = await startServer();
  });
  after(() => running.stop());

  it('delivers to two subscribers of a topic and to debug, and forgets one that disconnects', async () => {
    const first = await subscribe(unixTarget(running), 'test');
    const second = await subscribe(running.tcp, 'test');
    const debug = await subscribe(unixTarget(running), 'debug');
    const peer = await subscribe(unixTarget(running), 'peer');
    assert.equal(
      await helpEvents(running),
      '{"jsonrpc":"2.0","id":"1","result":[{"topic":"debug","sockaddr":"AF(1)","desc":"All events - for event debugging"},' +
        '{"topic":"test","sockaddr":"AF(1),127.0.0.1","desc":"Used only by post.test"},{"topic":"peer","sockaddr":"AF(1)","desc":"Changes to peer list"}]}',
    );
    const record = '\x1e{"event":"test","params":["a",1]}\n';
      await exchange(unixTarget(running), postV1('{"jsonrpc":"2.0","method":"post.test","id":7,"params":["a",1]}'));
    for (const subscriber of [first, second, debug]) assert.ok(await eventually(() => subscriber.text() === HEADERS + record));
    assert.equal(peer.text(), HEADERS);

    first.socket.destroy();
    assert.ok(await eventually(async () => !(await helpEvents(running)).includes('"AF(1),127.0.0.1"')));
    assert.deepEqual(running.server.publish('test', { params: 'hello' }), { ok: true, value: 2 });
    running.server.publish('test', { params: null });
    assert.ok(await eventually(() => second.text().endsWith('\x1e{"event":"test","params":null}\n')));
    // MANAGEMENT.md §7.4: a string param stays valid JSON (n3n dropped its quotes).
    assert.ok(second.text().includes('\x1e{"event":"test","params":"hello"}\n'));
    for (const subscriber of [second, debug, peer]) subscriber.socket.destroy();
    assert.ok(await eventually(async () => (await helpEvents(running)).split('"?:?"').length === 4));
  });

  it('publishes peer events in the captured shape', async () => {
    const peer = await subscribe(unixTarget(running), 'peer');
    const sent = running.server.publish('peer', { action: 'p2p_add', macaddr: '02:00:00:77:00:02', age: 0, sockaddr: '127.0.0.1:7702' });
    assert.deepEqual(sent, { ok: true, value: 1 });
    const expected = '\x1e{"event":"peer","action":"p2p_add","macaddr":"02:00:00:77:00:02","age":0,"sockaddr":"127.0.0.1:7702"}\n';
    assert.ok(await eventually(() => peer.text() === HEADERS + expected));
    peer.socket.destroy();
  });

  it('streams only to clients with the management password', async () => {
    for (const authorization of ['', `Authorization: ${basicAuthorization('wrong')}\r\n`]) {
      const replies = parseResponses(await exchange(unixTarget(running), `GET /events/test HTTP/1.1\r\nHost: x\r\n${authorization}\r\n`));
      assert.deepEqual(replies?.map((r) => r.status), [401]);
    }
    assert.ok((await helpEvents(running)).includes('{"topic":"test","sockaddr":"?:?"'));
  });

  it('refuses an unknown topic and ends a stream that is sent another request', async () => {
    assert.equal(running.server.publish('nope' as 'test', { params: 1 }).ok, false);
    const subscriber = await subscribe(unixTarget(running), 'test');
    let closed = false;
    subscriber.socket.once('close', () => (closed = true));
    subscriber.socket.write(postV1('{"method":"get_verbose","id":1}'));
    assert.ok(await eventually(() => closed));
    assert.equal(subscriber.text(), HEADERS);
  });

  it("keeps n3n's rule at the limit: the oldest is closed and the newcomer is told \"replacing\" (§7.3, byte-exact)", async () => {
    const single = await startServer({ limits: { maxSubscribersPerTopic: 1 } });
    try {
      const old = await subscribe(unixTarget(single), 'test');
      let oldClosed = false;
      old.socket.once('close', () => (oldClosed = true));
      const replacement = await subscribe(unixTarget(single), 'test');
      assert.ok(await eventually(() => oldClosed));
      single.server.publish('test', { params: ['a', 1] });
      assert.ok(
        await eventually(
          () => replacement.text() === `${HEADERS}\x1e"replacing"\n\x1e{"event":"test","params":["a",1]}\n`,
        ),
      );
      replacement.socket.destroy();
    } finally {
      await single.stop();
    }
  });

  it('drops a subscriber that does not read instead of buffering without bound', async () => {
    const bounded = await startServer({ limits: { maxSubscriberBufferBytes: 64 * 1024 } });
    try {
      const slow = await subscribe(unixTarget(bounded), 'test');
      slow.socket.pause();
      const big = 'x'.repeat(16 * 1024);
      let dropped = false;
      for (let i = 0; i < 5000 && !dropped; i++) {
        const sent = bounded.server.publish('test', { params: big });
        dropped = sent.ok && sent.value === 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.ok(dropped, 'slow subscriber dropped');
      slow.socket.destroy();
    } finally {
      await bounded.stop();
    }
  });

  it('starts a subscription with the snapshot of a topic that has one, and debug with every such snapshot', async () => {
    let figures = 1;
    const extension = (name: string, snapshot: boolean) => ({
      methods: {},
      topics: { [name]: topic<{ figures: number }>(`${name} figures`) },
      publishTo: () => () => undefined,
      ...(snapshot ? { snapshot: () => ({ figures }) } : {}),
    });
    const withSnapshots = await startServer({ extension: combineExtensions(extension('x.now', true), extension('x.later', false)) });
    try {
      const own = await subscribe(unixTarget(withSnapshots), 'x.now');
      assert.ok(await eventually(() => own.text() === `${HEADERS}\x1e{"event":"x.now","figures":1}\n`));
      figures = 2;
      const debug = await subscribe(unixTarget(withSnapshots), 'debug');
      assert.ok(await eventually(() => debug.text() === `${HEADERS}\x1e{"event":"x.now","figures":2}\n`));
      // n3n's topics and a topic without a snapshot start empty, as before.
      const test = await subscribe(unixTarget(withSnapshots), 'test');
      const later = await subscribe(unixTarget(withSnapshots), 'x.later');
      const seen: object[] = [];
      const inProcess = withSnapshots.server.subscribe('x.now', (event) => seen.push(event));
      assert.deepEqual(seen, [{ event: 'x.now', figures: 2 }]);
      if (inProcess.ok) inProcess.value();
      withSnapshots.server.publish('test', { params: 1 });
      withSnapshots.server.publish('x.later' as 'test', { params: 3 });
      assert.ok(await eventually(() => test.text() === `${HEADERS}\x1e{"event":"test","params":1}\n`));
      assert.ok(await eventually(() => later.text() === `${HEADERS}\x1e{"event":"x.later","params":3}\n`));
      for (const subscriber of [own, debug, test, later]) subscriber.socket.destroy();
    } finally {
      await withSnapshots.stop();
    }
  });

  it('serialises nothing for a topic nobody listens to', () => {
    let reads = 0;
    const payload = {
      get params(): number {
        reads++;
        return 1;
      },
    };
    assert.deepEqual(running.server.publish('test', payload), { ok: true, value: 0 });
    assert.equal(reads, 0);
  });

  it('refuses to combine extensions that add the same method or topic twice', () => {
    const one = { methods: {}, topics: { 'x.a': topic('a') }, publishTo: () => () => undefined };
    assert.throws(() => combineExtensions(one, one), /topic x\.a is added twice/);
  });

  it('closes event streams when the server closes', async () => {
    const closing = await startServer();
    const subscriber = await subscribe(unixTarget(closing), 'debug');
    let closed = false;
    subscriber.socket.once('close', () => (closed = true));
    await closing.stop();
    assert.ok(await eventually(() => closed));
  });
});
