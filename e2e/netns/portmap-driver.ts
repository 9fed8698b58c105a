// Runs a PortMapper inside a test namespace and speaks JSON lines: commands on stdin, results and
// events on stdout. Commands: {"op":"map",transport,port}, {"op":"pinhole",transport,address,port},
// {"op":"listen",port} (a UDP socket on that port that reports what arrives), {"op":"list"},
// {"op":"close"} (removes every mapping, then exits). argv[2] holds the PortMapper options as JSON.
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { PortMapper } from '../../engine/portmap/port-mapper.js';
import type { PortMapperOptions } from '../../engine/portmap/port-mapper.js';

const options = JSON.parse(process.argv[2] ?? '{}') as PortMapperOptions;
const mapper = new PortMapper(options);
const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
mapper.on('changed', (mapping) => say({ event: 'changed', mapping }));
mapper.on('renewed', (mapping) => say({ event: 'renewed', mapping }));
mapper.on('lost', (id, failure) => say({ event: 'lost', id, failure }));
mapper.on('router-restarted', (method) => say({ event: 'router-restarted', method }));

interface Command {
  readonly op: string;
  readonly transport?: 'udp' | 'tcp';
  readonly port?: number;
  readonly address?: string;
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  const started = performance.now();
  const timed = (result: object): void => say({ op: command.op, ms: Math.round(performance.now() - started), result });
  switch (command.op) {
    case 'map':
      void mapper.map({ transport: command.transport ?? 'udp', internalPort: command.port ?? 0 }).then(timed);
      break;
    case 'pinhole':
      void mapper.openPinhole({ transport: command.transport ?? 'udp', address: command.address ?? '', port: command.port ?? 0 }).then(timed);
      break;
    case 'listen': {
      const socket = createSocket(command.address?.includes(':') === true ? 'udp6' : 'udp4');
      socket.on('message', (bytes, from) => say({ event: 'datagram', text: bytes.toString('utf8').slice(0, 100), from: from.address }));
      socket.bind(command.port ?? 0, command.address, () => timed({ listening: socket.address().port }));
      break;
    }
    case 'list':
      timed(mapper.list());
      break;
    case 'close':
      void mapper.close().then(() => {
        timed({ closed: true });
        process.exit(0);
      });
      break;
    default:
      say({ error: `unknown op ${command.op}` });
  }
});
