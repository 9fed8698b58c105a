// Runs inside a network namespace for udp-netns.test.ts and prints one JSON line.
//   receive <address> <count>             a batched socket with gro on port 5400: the datagrams' sizes
//                                          and a hash over them in order, and the socket's counters
//   send <address> <size> <count> <last>  a batched socket with gso: count datagrams of size bytes
//                                          (the last one last bytes) to <address>:5400 in one flush
import { createHash } from 'node:crypto';
import { addressBytes } from '../../engine/protocol/address.js';
import { openUdpBatch, type UdpBatchSocket } from '../udp.js';

const [mode, address, ...rest] = process.argv.slice(2);
const numbers = rest.map(Number);

function open(port: number, gso: boolean, gro: boolean): UdpBatchSocket {
  const s = openUdpBatch({ address: address!.includes(':') ? '::' : '0.0.0.0', port, gso, gro, batchSize: 256 });
  if (s === undefined || !('send' in s)) throw new Error(`open: ${JSON.stringify(s)}`);
  return s;
}

function datagram(i: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let j = 0; j < size; j++) b[j] = (i * 31 + j) & 0xff;
  return b;
}

if (mode === 'receive') {
  const [count] = numbers;
  const socket = open(5400, false, true);
  const hash = createHash('sha256');
  const sizes: number[] = [];
  const timer = setTimeout(() => finish(), 10_000);
  const finish = (): void => {
    clearTimeout(timer);
    console.log(JSON.stringify({ ok: true, sizes, hash: hash.digest('hex'), stats: socket.stats(), offload: socket.offload }));
    socket.close();
  };
  socket.onDatagrams(
    (batch) => {
      for (let i = 0; i < batch.count; i++) {
        const d = batch.data.subarray(batch.meta[4 * i], batch.meta[4 * i]! + batch.meta[4 * i + 1]!);
        hash.update(d);
        sizes.push(d.length);
      }
      if (sizes.length >= count!) finish();
    },
    (e) => console.error(e.message),
  );
  console.log('ready');
} else if (mode === 'send') {
  const [size, count, last] = numbers;
  const socket = open(0, true, false);
  const to = addressBytes(address!)!;
  const hash = createHash('sha256');
  for (let i = 0; i < count!; i++) {
    const d = datagram(i, i === count! - 1 ? last! : size!);
    hash.update(d);
    socket.send(d, to.family, to.bytes, 5400, 0, undefined);
  }
  socket.flush();
  setTimeout(() => {
    console.log(JSON.stringify({ ok: true, hash: hash.digest('hex'), stats: socket.stats(), offload: socket.offload }));
    socket.close();
  }, 200);
} else {
  throw new Error(`unknown mode ${mode}`);
}
