// A hostile sender for the security tests, run inside a Topology namespace: sends the datagrams of a
// plan file (JSON: [{ from?, to, port, hex }]) from sockets bound to their `from` addresses (aliases
// on the namespace's interface, or a spoofed source rewritten by the namespace's SNAT rule), paced so
// that the receivers' socket buffers keep up, and prints what it sent as one JSON line.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

interface PlannedDatagram {
  readonly from?: string;
  readonly to: string;
  readonly port: number;
  readonly hex: string;
}

/** Every so many datagrams the sender yields for a few milliseconds. */
const PACE_EVERY = 50;
const PACE_MS = 5;

async function bound(address: string): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  return socket;
}

const path = process.argv[2];
if (path === undefined) throw new Error('usage: send-datagrams <plan.json>');
const plan = JSON.parse(readFileSync(path, 'utf8')) as PlannedDatagram[];
const sockets = new Map<string, UdpSocket>();
let bytes = 0;
let count = 0;
for (const datagram of plan) {
  const from = datagram.from ?? '0.0.0.0';
  let socket = sockets.get(from);
  if (socket === undefined) {
    socket = await bound(from);
    sockets.set(from, socket);
  }
  const payload = Buffer.from(datagram.hex, 'hex');
  await new Promise<void>((resolve, reject) => socket.send(payload, datagram.port, datagram.to, (error) => (error ? reject(error) : resolve())));
  bytes += payload.length;
  if (++count % PACE_EVERY === 0) await new Promise((resolve) => setTimeout(resolve, PACE_MS));
}
for (const socket of sockets.values()) socket.close();
process.stdout.write(`${JSON.stringify({ count, bytes })}\n`);
