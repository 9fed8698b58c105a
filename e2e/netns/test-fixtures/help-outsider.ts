// A computer outside the network, for e2e/netns/help.test.ts: it connects to a member's help port
// (argv: address, port, receiver MAC, sender MAC to claim) and sends a well-formed request signed
// with a key of its own. Prints one JSON line: whether it connected and whether the member closed
// the connection on it.
import { connect } from 'node:net';
import { encodeFrame, helpKey, newNonce, newSessionId } from '../../../engine/help/wire.js';

const [address = '', port = '0', to = '', from = ''] = process.argv.slice(2);
const frame = encodeFrame(helpKey(Buffer.from('not the network key'), 'help'), { kind: 'request', session: newSessionId(), from, to, at: Date.now(), nonce: newNonce() });
const outcome = await new Promise<{ connected: boolean; closedByPeer: boolean; error?: string }>((resolve) => {
  let connected = false;
  const socket = connect({ host: address, port: Number(port) }, () => {
    connected = true;
    socket.write(frame ?? Buffer.alloc(0));
  });
  socket.setTimeout(10_000, () => {
    socket.destroy();
    resolve({ connected, closedByPeer: false });
  });
  socket.on('error', (error) => resolve({ connected, closedByPeer: connected, error: error.message }));
  socket.on('close', () => resolve({ connected, closedByPeer: true }));
});
process.stdout.write(`${JSON.stringify(outcome)}\n`);
