// The supernode's answers to repeated registrations (native/register-answers.ts): a repeat equal but
// for its cookie, from the remembered source to the remembered local address, is answered from the
// socket with the cookie patched in and still reaches JavaScript, marked; anything else is not
// answered and reaches JavaScript unmarked.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket as DgramSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { communityFieldFromName } from '../engine/protocol/community.js';
import { DEFAULT_TTL, encodeMessage, MessageType, NO_AUTH, NO_IP_SUBNET, REGISTER_SUPER_ACK_LIFETIME } from '../engine/protocol/index.js';
import type { RegisterSuperAckMessage, RegisterSuperMessage } from '../engine/protocol/index.js';
import { openRegisterAnswers } from './register-answers.js';
import type { AnswerSource, RegisterAnswers } from './register-answers.js';
import { ANSWERED_BY_EXPRESS, openUdpBatch, udpBatchSupported } from './udp.js';
import type { UdpBatchSocket } from './udp.js';

const skip = udpBatchSupported() ? false : 'no batched UDP socket on this platform (or the addon is not built)';
const field = (): Uint8Array => {
  const result = communityFieldFromName('answers');
  assert.ok(result.ok);
  return result.value;
};

function request(cookie: number, description = 'laptop'): Uint8Array {
  const msg: RegisterSuperMessage = {
    type: MessageType.RegisterSuper,
    ttl: DEFAULT_TTL,
    fromSupernode: false,
    communityField: field(),
    cookie,
    edgeMac: Uint8Array.from([2, 0, 0, 0, 0, 7]),
    devAddr: NO_IP_SUBNET,
    description,
    auth: NO_AUTH,
    keyTime: 0,
  };
  return encodeMessage(msg);
}

function answer(cookie: number, port: number): Uint8Array {
  const msg: RegisterSuperAckMessage = {
    type: MessageType.RegisterSuperAck,
    ttl: DEFAULT_TTL,
    fromSupernode: true,
    communityField: field(),
    cookie,
    srcMac: Uint8Array.from([2, 0, 0, 0, 0, 1]),
    devAddr: { address: '10.0.0.7', prefix: 24 },
    lifetime: REGISTER_SUPER_ACK_LIFETIME,
    socket: { family: 'IPv4', address: '127.0.0.1', port },
    auth: NO_AUTH,
    supernodes: [],
    keyTime: 0,
  };
  return encodeMessage(msg);
}

const cookieOf = (bytes: Uint8Array): number => Buffer.from(bytes).readUInt32BE(24);

interface Setup {
  readonly supernode: UdpBatchSocket;
  readonly answers: RegisterAnswers;
  readonly edge: DgramSocket;
  readonly source: AnswerSource;
  /** What JavaScript saw: the cookie and whether the socket had answered it. */
  readonly seen: { cookie: number; answered: boolean }[];
  /** What the edge received, in order. */
  readonly replies: Uint8Array[];
}

async function setup(t: { after(fn: () => void): void }): Promise<Setup> {
  const supernode = openUdpBatch({ address: '127.0.0.1', port: 0, recvLocalAddress: true });
  assert.ok(supernode !== undefined && 'send' in supernode);
  const answers = openRegisterAnswers(supernode);
  assert.ok(typeof answers !== 'string', typeof answers === 'string' ? answers : '');
  const seen: Setup['seen'] = [];
  supernode.onDatagrams(
    ({ count, data, meta }) => {
      for (let i = 0; i < count; i++) seen.push({ cookie: cookieOf(data.subarray(meta[4 * i])), answered: (meta[4 * i + 3]! & ANSWERED_BY_EXPRESS) !== 0 });
    },
    () => undefined,
  );
  const edge = createSocket('udp4');
  edge.bind(0, '127.0.0.1');
  await once(edge, 'listening');
  const replies: Uint8Array[] = [];
  edge.on('message', (bytes) => replies.push(bytes));
  t.after(() => {
    answers.close();
    supernode.close();
    edge.close();
  });
  const address = new Uint8Array(16);
  address.set([127, 0, 0, 1]);
  const local = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
  return { supernode, answers, edge, source: { family: 4, address, port: edge.address().port, local }, seen, replies };
}

/** Sends bytes from the edge and waits until the supernode's JavaScript saw them. */
async function send(s: Setup, bytes: Uint8Array): Promise<void> {
  const before = s.seen.length;
  s.edge.send(bytes, s.supernode.localAddress.port, '127.0.0.1');
  for (let i = 0; i < 200 && s.seen.length === before; i++) await sleep(5);
  assert.equal(s.seen.length, before + 1, 'the datagram reached JavaScript');
  await sleep(20);  // an answer, if any, has arrived by now
}

test('a repeat is answered from the socket with its own cookie, and JavaScript sees it marked', { skip }, async (t) => {
  const s = await setup(t);
  assert.equal(s.answers.remember(s.source, request(1), answer(1, s.source.port), 60_000), true);
  await send(s, request(0xdeadbeef));
  assert.equal(s.replies.length, 1);
  assert.deepEqual([...s.replies[0]!], [...answer(0xdeadbeef, s.source.port)]);
  assert.deepEqual(s.seen, [{ cookie: 0xdeadbeef, answered: true }]);
  assert.equal(s.answers.stats().answered, 1);
});

test('not answered: another body, another type, another source, another local address, forgotten, expired, cleared', { skip }, async (t) => {
  const s = await setup(t);
  const remember = (source = s.source, validMs = 60_000): void => assert.ok(s.answers.remember(source, request(1), answer(1, s.source.port), validMs));
  remember();
  await send(s, request(2, 'laptop2'));  // one byte of the description differs
  const other = Uint8Array.from(request(3));
  other[3] = MessageType.Register;  // same bytes, another type
  await send(s, other);
  remember({ ...s.source, port: s.source.port + 1 });  // only another port is remembered
  s.answers.forget(s.source);
  await send(s, request(4));
  remember({ ...s.source, local: new Uint8Array(16).fill(1) });  // another local address
  await send(s, request(5));
  remember(s.source, 30);
  await sleep(60);
  await send(s, request(6));
  remember();
  s.answers.clear();
  await send(s, request(7));
  assert.equal(s.replies.length, 0, 'no answers');
  assert.deepEqual(
    s.seen.map((d) => d.answered),
    [false, false, false, false, false, false],
  );
  assert.equal(s.answers.stats().answered, 0);
  assert.equal(s.answers.stats().entries, 0, 'clear() and the expired entry left nothing');
});

test('bad arguments throw; a closed answers object answers nothing and the socket takes another', { skip }, async (t) => {
  const s = await setup(t);
  assert.throws(() => s.answers.remember({ ...s.source, address: new Uint8Array(4) }, request(1), answer(1, 1), 1000), /address/);
  assert.throws(() => s.answers.remember(s.source, new Uint8Array(10), answer(1, 1), 1000), /request/);
  assert.throws(() => s.answers.remember(s.source, request(1), answer(1, 1), 0), /validMs/);
  assert.equal(typeof openRegisterAnswers(s.supernode), 'string', 'one hook per socket');
  s.answers.remember(s.source, request(1), answer(1, s.source.port), 60_000);
  s.answers.close();
  await send(s, request(9));
  assert.equal(s.replies.length, 0);
  const again = openRegisterAnswers(s.supernode);
  assert.ok(typeof again !== 'string');
  again.close();
});
