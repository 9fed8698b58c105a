// Who is at the other end of a unix-socket connection (native/src/peer_cred.cc: SO_PEERCRED or
// getpeereid), so the management server can hold each local user to their own share of it.
import type { Socket } from 'node:net';
import { loadAddon } from './tap.js';

interface PeerCredAddon {
  readonly peerUid?: (fd: number) => number;
}

/** The descriptor behind a net.Socket: libuv's handle keeps it as `fd` on POSIX systems. */
function descriptorOf(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
  return typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : undefined;
}

/** The connecting user's uid, or undefined where the OS, the addon or the socket cannot tell. */
export function peerUid(socket: Socket): number | undefined {
  const fd = descriptorOf(socket);
  if (fd === undefined) return undefined;
  const loaded = loadAddon();
  const read = loaded.ok ? (loaded.value as PeerCredAddon).peerUid : undefined;
  if (read === undefined) return undefined;
  const uid = read(fd);
  return uid >= 0 ? uid : undefined;
}
