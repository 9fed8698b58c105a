// `kith.ping`: the OS's own ping against a peer's VPN address, run without a shell and bounded in
// time, so the window can show a familiar check. Only called with an address already validated.
import { execFile } from 'node:child_process';
import type { PingResult } from './api.js';

const COUNT = 3;
/** Three probes one second apart plus the last reply's wait, with room to spare. */
const TIMEOUT_MS = 10_000;

/** Linux waits -W seconds; macOS and FreeBSD read -W in milliseconds; Windows has -n/-w (ms). */
export function pingCommand(address: string, platform: NodeJS.Platform = process.platform): { file: string; args: string[] } {
  if (platform === 'win32') return { file: 'ping', args: ['-n', String(COUNT), '-w', '1000', address] };
  if (platform === 'darwin' || platform === 'freebsd') return { file: 'ping', args: ['-c', String(COUNT), '-W', '1000', address] };
  return { file: 'ping', args: ['-c', String(COUNT), '-W', '1', address] };
}

export function runPing(address: string, platform: NodeJS.Platform = process.platform): Promise<PingResult> {
  const { file, args } = pingCommand(address, platform);
  return new Promise((resolve) => {
    execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.split(/\r?\n/).filter((line) => line.trim() !== '');
      if (error !== null && output.length === 0) output.push(error.killed ? 'ping took too long and was stopped' : `cannot run ping: ${error.message}`);
      resolve({ ok: error === null, output });
    });
  });
}
