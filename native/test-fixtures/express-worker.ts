// Runs inside a network namespace for express.test.ts (root) and prints one JSON line per cipher.
// A TAP (10.201.0.1/24) and a batched UDP socket joined by the express lane; a plain UDP socket on
// loopback plays the peer (02:00:00:00:00:02, 10.201.0.2), encoding and decoding its PACKETs with
// the TypeScript codec and transforms, the reference. The kernel answers the peer's pings through
// the lane; the cases the lane must leave to the engine are sent too, and what reached the
// JavaScript handlers is counted.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { CipherName } from '../../engine/crypto/transform.js';
import { createTransform } from '../../engine/crypto/transforms/index.js';
import { communityFieldFromName, CompressionId, DEFAULT_TTL, encodeMessage, encodePacketHeaderInto, MessageType, NO_IP_SUBNET, PACKET_HEADER_SIZE, readPacketHeader } from '../../engine/protocol/index.js';
import { openExpressLane, type ExpressTraffic } from '../express.js';
import { openTap } from '../tap.js';
import { ANSWERED_BY_EXPRESS, openUdpBatch, type UdpBatchSocket } from '../udp.js';
import { echoReplySeq, icmpEcho, parseIp, parseMac, waitFor } from './frames.js';

const CIPHERS: readonly CipherName[] = ['null', 'AES', 'ChaCha20', 'Twofish', 'Speck'];
const PEER_MAC = parseMac('02:00:00:00:00:02');
const TAP_IP = parseIp('10.201.0.1');
const PEER_IP = parseIp('10.201.0.2');
const PINGS = 20;
const ID = 0x4b58;

function ip(args: string[]): void {
  execFileSync('ip', args);
}

async function oneCipher(cipher: CipherName, index: number): Promise<Record<string, unknown>> {
  const key = new TextEncoder().encode(cipher === 'null' ? '' : `express-test-key-${cipher}`);
  const transform = createTransform(cipher, key);
  const community = communityFieldFromName('expresstest');
  if (!community.ok) throw new Error('community');
  const name = `kxl${index}`;
  const tapOpened = openTap({ name, create: true });
  if (!tapOpened.ok) throw new Error(tapOpened.error.message);
  const tap = tapOpened.value;
  const tapMac = tap.mac;
  ip(['addr', 'add', '10.201.0.1/24', 'dev', name]);
  ip(['link', 'set', name, 'up']);
  ip(['neigh', 'replace', '10.201.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', name, 'nud', 'permanent']);
  const udp = openUdpBatch({ address: '127.0.0.1', port: 0 }) as UdpBatchSocket;
  // What reached JavaScript: the engine's share.
  const js = { tapIcmp: 0, tapOther: 0, datagrams: 0, answered: 0 };
  tap.onFrames((batch) => {
    for (let i = 0; i < batch.count; i++) {
      const f = batch.frame(i);
      if (f.length >= 34 && f[23] === 1) js.tapIcmp++;
      else js.tapOther++;
    }
  });
  udp.onDatagrams(
    (batch) => {
      js.datagrams += batch.count;
      for (let i = 0; i < batch.count; i++) if ((batch.meta[4 * i + 3]! & ANSWERED_BY_EXPRESS) !== 0) js.answered++;
    },
    () => undefined,
  );
  const peer = createSocket('udp4');
  const stranger = createSocket('udp4');
  await Promise.all([new Promise<void>((r) => peer.bind(0, '127.0.0.1', r)), new Promise<void>((r) => stranger.bind(0, '127.0.0.1', r))]);
  const replies: number[] = [];
  const headers: string[] = [];
  const ivs: Uint8Array[] = [];
  const frame = new Uint8Array(4096);
  const acks: string[] = [];
  peer.on('message', (msg) => {
    if (msg.length >= 4 && msg[3] === MessageType.RegisterAck) acks.push(Buffer.from(msg).toString('hex'));
    const header = readPacketHeader(msg);
    if (header === undefined || !header.ok) return;
    headers.push(Buffer.from(msg.subarray(0, PACKET_HEADER_SIZE)).toString('hex'));
    ivs.push(Uint8Array.from(msg.subarray(PACKET_HEADER_SIZE, PACKET_HEADER_SIZE + 16)));
    const n = transform.decrypt(msg.subarray(PACKET_HEADER_SIZE), frame, 0);
    if (typeof n !== 'number') return;
    const seq = echoReplySeq(frame.subarray(0, n), ID);
    if (seq !== undefined) replies.push(seq);
  });

  const lane = openExpressLane(tap, udp, { communityField: community.value, mac: tapMac, transform: transform.id, key, ttl: DEFAULT_TTL });
  if (typeof lane === 'string') throw new Error(lane);
  lane.setAddress(TAP_IP);
  const sender = new Uint8Array(20);
  sender.set(PEER_IP, 0);
  lane.setPeer({ mac: PEER_MAC, family: 4, address: parseIp('127.0.0.1'), port: peer.address().port, sender });
  lane.setEnabled(true);

  const packet = (seq: number, communityField = community.value): Uint8Array => {
    const out = new Uint8Array(4096);
    const h = encodePacketHeaderInto(out, 0, { ttl: DEFAULT_TTL, fromSupernode: false, communityField, srcMac: PEER_MAC, dstMac: tapMac, compression: CompressionId.None, transform: transform.id });
    const n = transform.encrypt(icmpEcho(tapMac, PEER_MAC, PEER_IP, TAP_IP, ID, seq), out, h);
    return out.subarray(0, h + n);
  };
  const send = (socket: typeof peer, bytes: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => socket.send(bytes, udp.localAddress.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));

  // The lane's own traffic: pings in, replies out, none of it seen by JavaScript.
  for (let seq = 1; seq <= PINGS; seq++) await send(peer, packet(seq));
  await waitFor(() => replies.length >= PINGS, 5_000, 'the replies through the lane');
  const carried = { ...js };
  const traffic: Record<string, ExpressTraffic> = {};
  lane.collect((mac, t) => (traffic[Buffer.from(mac).toString('hex')] = t));

  // A REGISTER from the peer: the lane sends the REGISTER_ACK, the engine still gets the REGISTER, marked.
  const register = (cookie: number): Uint8Array =>
    encodeMessage({ ttl: DEFAULT_TTL, fromSupernode: false, communityField: community.value, type: MessageType.Register, cookie, srcMac: PEER_MAC, dstMac: tapMac, devAddr: NO_IP_SUBNET, description: 'peer' });
  await send(peer, register(0x1234abcd));
  await waitFor(() => acks.length >= 1 && js.answered >= 1, 2_000, 'the REGISTER_ACK and the marked REGISTER');
  const referenceAck = Buffer.from(encodeMessage({ ttl: DEFAULT_TTL, fromSupernode: false, communityField: community.value, type: MessageType.RegisterAck, cookie: 0x1234abcd, dstMac: PEER_MAC, srcMac: tapMac })).toString('hex');
  const answered = { acks: [...acks], referenceAck, marked: js.answered };

  // What the lane leaves to the engine.
  const passed: Record<string, number> = {};
  const expectPassed = async (label: string, act: () => Promise<void>): Promise<void> => {
    const before = js.datagrams;
    await act();
    await waitFor(() => js.datagrams > before, 2_000, `${label} to reach JavaScript`);
    passed[label] = js.datagrams - before;
  };
  await expectPassed('another socket', () => send(stranger, packet(100)));
  const other = communityFieldFromName('othercommunity');
  if (!other.ok) throw new Error('community');
  await expectPassed('another community', () => send(peer, packet(101, other.value)));
  const garbage = packet(102);
  garbage.fill(0x5a, PACKET_HEADER_SIZE + 16);
  await expectPassed('undecryptable', () => send(peer, garbage));
  lane.setEnabled(false);
  await expectPassed('disabled', () => send(peer, packet(103)));
  lane.setEnabled(true);
  lane.removePeer(PEER_MAC);
  await expectPassed('not a lane peer', () => send(peer, packet(104)));
  // ... and a REGISTER from a peer not in the lane is the engine's to answer.
  await expectPassed('a REGISTER from outside the lane', () => send(peer, register(7)));
  // With the peer gone, the kernel's replies to JavaScript's share are JavaScript's too: none
  // came back to the peer beyond the first PINGS.
  await new Promise((r) => setTimeout(r, 100));

  // Order within one batch: once the lane leaves a peer's PACKET to the engine (here a frame from
  // an address the engine has not seen the peer use), that peer's later PACKETs in the same batch
  // go to the engine too, which writes them after the first. Both are sent while this process is
  // blocked in execFileSync, so they wait in the socket and arrive in one recvmmsg.
  lane.setPeer({ mac: PEER_MAC, family: 4, address: parseIp('127.0.0.1'), port: peer.address().port, sender });
  const elsewhere = (seq: number): Uint8Array => {
    const out = new Uint8Array(4096);
    const h = encodePacketHeaderInto(out, 0, { ttl: DEFAULT_TTL, fromSupernode: false, communityField: community.value, srcMac: PEER_MAC, dstMac: tapMac, compression: CompressionId.None, transform: transform.id });
    const n = transform.encrypt(icmpEcho(tapMac, PEER_MAC, parseIp('10.201.0.3'), TAP_IP, ID, seq), out, h);
    return out.subarray(0, h + n);
  };
  const peerPort = peer.address().port;
  await new Promise<void>((r) => peer.close(() => r()));
  const [datagramsBefore, takenBefore] = [js.datagrams, lane.stats().framesIn];
  execFileSync('python3', [
    '-c',
    'import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("127.0.0.1",int(sys.argv[1])))\nfor h in sys.argv[3:]: s.sendto(bytes.fromhex(h),("127.0.0.1",int(sys.argv[2])))',
    String(peerPort),
    String(udp.localAddress.port),
    Buffer.from(elsewhere(300)).toString('hex'),
    Buffer.from(packet(301)).toString('hex'),
  ]);
  await waitFor(() => js.datagrams >= datagramsBefore + 2, 2_000, 'both PACKETs to reach JavaScript');
  const ordered = { toEngine: js.datagrams - datagramsBefore, byLane: lane.stats().framesIn - takenBefore };
  const stats = lane.stats();
  lane.close();
  lane.close();
  stranger.close();
  udp.close();
  tap.close();
  // The header the engine's data path puts on a PACKET to the peer (DataPath.encode), the reference.
  const reference = new Uint8Array(PACKET_HEADER_SIZE);
  encodePacketHeaderInto(reference, 0, { ttl: DEFAULT_TTL, fromSupernode: false, communityField: community.value, srcMac: tapMac, dstMac: PEER_MAC, compression: CompressionId.None, transform: transform.id });
  return {
    ok: true,
    cipher,
    referenceHeader: Buffer.from(reference).toString('hex'),
    answered,
    ordered,
    finalAcks: acks.length,
    finalMarked: js.answered,
    replies: replies.length,
    uniqueReplies: new Set(replies).size,
    carried,
    traffic,
    passed,
    stats,
    headers: [...new Set(headers)],
    ivs: ivs.map((iv) => Buffer.from(iv).toString('hex')),
    tapMac: Buffer.from(tapMac).toString('hex'),
  };
}

ip(['link', 'set', 'lo', 'up']);
for (const [i, cipher] of CIPHERS.entries()) console.log(JSON.stringify(await oneCipher(cipher, i)));
