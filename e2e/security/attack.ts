// The attacker's side of the edge security tests: datagrams crafted with the project's own codec, sent
// by send-datagrams.ts from a namespace of its own — from address aliases, or with a spoofed source
// (an SNAT rule rewrites everything the namespace sends) — and iptables byte counters on what an edge
// sends to an address. Counters count whole IP packets, so the bounds compare like with like.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMessage, parseMac } from '../../engine/protocol/index.js';
import type { Mac, Message } from '../../engine/protocol/index.js';
import { call, REPO, startNetwork, startPair, startProgram, stopNetwork, waitFor } from '../netns/kith.js';
import type { EdgePair, KithProcess, Network, RunDir } from '../netns/kith.js';
import type { Host, Topology } from '../netns/topology.js';

const SENDER_MAIN = join(REPO, 'e2e', 'security', 'send-datagrams.ts');
/** IPv4 and UDP headers: what every datagram adds on the wire (and in an iptables byte counter). */
export const IPV4_UDP_OVERHEAD = 28;
/** The IPv4 socket a supernode inserts into a PACKET or REGISTER it relays (PROTOCOL.md §2.3, §9.3.3). */
export const RELAY_SOCKET_BYTES = 8;

export interface Datagram {
  /** Source address (an alias of the sender's namespace); the namespace's address when absent. */
  readonly from?: string;
  readonly to: string;
  readonly port: number;
  readonly message: Message;
}

/** The datagram's size on the wire (IP packet length). */
export function wireBytes(datagram: Datagram): number {
  return encodeMessage(datagram.message).length + IPV4_UDP_OVERHEAD;
}

/** Sends the datagrams from host (bounded in time) and returns how many bytes left (UDP payloads). */
export async function sendDatagrams(topology: Topology, runDir: RunDir, host: Host, name: string, datagrams: readonly Datagram[], timeoutMs = 60_000): Promise<{ count: number; bytes: number }> {
  const plan = runDir.file(`${name}.json`);
  writeFileSync(plan, JSON.stringify(datagrams.map((d) => ({ ...(d.from === undefined ? {} : { from: d.from }), to: d.to, port: d.port, hex: Buffer.from(encodeMessage(d.message)).toString('hex') }))));
  const sender = startProgram(topology, runDir, host, name, { main: SENDER_MAIN, args: [plan] });
  await waitFor(`${name} to finish sending`, () => (sender.child.exitCode !== null || sender.child.signalCode !== null ? true : undefined), timeoutMs, 100);
  const last = sender.output().trim().split('\n').at(-1) ?? '';
  if (sender.child.exitCode !== 0) throw new Error(`${name} failed (${sender.child.exitCode ?? sender.child.signalCode}): ${sender.output().slice(-2_000)}`);
  return JSON.parse(last) as { count: number; bytes: number };
}

/** Everything UDP that ns sends leaves with source address `address` (a spoofed source). */
export async function spoofSource(topology: Topology, ns: string, address: string): Promise<void> {
  await topology.exec(ns, 'iptables', ['-w', '-t', 'nat', '-A', 'POSTROUTING', '-p', 'udp', '-j', 'SNAT', '--to-source', address]);
}

/** Extra addresses on ns's interface, to send from many sources. */
export async function addAliases(topology: Topology, ns: string, addresses: readonly string[], prefix: number): Promise<void> {
  for (const address of addresses) await topology.exec(ns, 'ip', ['addr', 'add', `${address}/${prefix}`, 'dev', 'eth0']);
}

/** Starts counting what ns sends to destination (a rule without a target only counts). */
export async function countSentTo(topology: Topology, ns: string, destination: string): Promise<void> {
  await topology.exec(ns, 'iptables', ['-w', '-I', 'OUTPUT', '-d', `${destination}/32`]);
}

/** Bytes (whole IP packets) ns sent to destination since countSentTo. */
export async function bytesSentTo(topology: Topology, ns: string, destination: string): Promise<{ packets: number; bytes: number }> {
  const rules = await topology.exec(ns, 'iptables-save', ['-c', '-t', 'filter']);
  const line = rules.split('\n').find((rule) => rule.endsWith(`-A OUTPUT -d ${destination}/32`));
  const counted = line === undefined ? undefined : /^\[(\d+):(\d+)\]/.exec(line);
  if (counted === undefined || counted === null) throw new Error(`no counter for ${destination} in ${ns}:\n${rules}`);
  return { packets: Number(counted[1]), bytes: Number(counted[2]) };
}

/** The network of an attack on two edges: a supernode, edges a and b straight on the internet, the attacker's host. */
export interface Scene {
  readonly net: Network;
  readonly pair: EdgePair;
  readonly attacker: Host;
}

/** Builds the scene with both edges registered in community (payload key `key`). */
export async function startScene(community: string, key: string): Promise<Scene> {
  const net = await startNetwork();
  try {
    const { topology, runDir } = net;
    const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];
    const attacker = await topology.publicHost('attacker');
    const pair = await startPair(topology, runDir, hostA, hostB, { community, supernodes: [net.supernode], key });
    return { net, pair, attacker };
  } catch (error) {
    await stopNetwork(net);
    throw error;
  }
}

/** An edge's MAC and UDP port, from its status. */
export async function edgeAddress(proc: KithProcess): Promise<{ mac: Mac; port: number }> {
  const status = (await call(proc, 'kith.status')) as { mac?: string; localPort?: number } | undefined;
  const parsed = parseMac(status?.mac ?? '');
  if (!parsed.ok || status?.localPort === undefined) throw new Error(`no MAC or port in ${proc.session}'s status`);
  return { mac: parsed.value, port: status.localPort };
}
