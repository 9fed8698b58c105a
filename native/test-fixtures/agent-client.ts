// Asks kith-tap's agent for each named device in turn, with segmentation offload, and prints one
// JSON line: for each, whether a device came back (its name, owner and the offloads in force) or
// the error's kind and message; then one `mtu` request per name, to show configuration is refused
// the same way.
//   agent-client.ts <socket> <name>...
import { readFileSync } from 'node:fs';
import { agentRequest, openTapFromAgent } from '../tap.js';

const [socket, ...names] = process.argv.slice(2);
if (socket === undefined || names.length === 0) throw new Error('usage: agent-client.ts <socket> <name>...');
const out: Record<string, unknown>[] = [];
for (const name of names) {
  const r = openTapFromAgent({ socket, name, offload: true });
  if (r.ok) {
    out.push({ name, opened: r.value.name, owner: readFileSync(`/sys/class/net/${r.value.name}/owner`, 'utf8').trim(), offload: r.value.offload });
    r.value.close();
  } else {
    out.push({ name, kind: r.error.kind, code: r.error.code, message: r.error.message });
  }
  const mtu = await agentRequest(socket, { op: 'mtu', name, mtu: 1300 });
  out.at(-1)!.mtu = mtu.ok ? 'ok' : mtu.error.message;
}
console.log(JSON.stringify({ uid: process.getuid?.(), results: out }));
