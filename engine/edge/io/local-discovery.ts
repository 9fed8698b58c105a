// LAN discovery's receiving side (PROTOCOL.md §8.8.1): one socket per family on port 1968 (address
// reuse, so several edges share it), joined to 224.0.0.68 and ff05::6e:336e. Each family is opened
// and joined on its own and a failed join is tried again at the next announcement, as n3n main does:
// on an IPv6-only segment the IPv4 join fails (ENODEV) and the edge still announces and listens on
// IPv6. The announcements themselves leave from the edge's main socket (udp-transport.ts), to the
// groups joined here.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { LOCAL_DISCOVERY_PORT } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';

export const MULTICAST_GROUP_V4 = '224.0.0.68';
export const MULTICAST_GROUP_V6 = 'ff05::6e:336e';

export type DiscoveryFamily = 'IPv4' | 'IPv6';

/** What this module uses of a node:dgram socket (tests give their own). */
export type DiscoverySocket = Pick<UdpSocket, 'bind' | 'addMembership' | 'close' | 'on' | 'once' | 'off'>;
export type DiscoverySocketFactory = (family: DiscoveryFamily) => DiscoverySocket;

export interface DiscoveryHandlers {
  readonly received: (bytes: Uint8Array, address: string, port: number) => void;
  readonly failed: (what: string, error: Error) => void;
}

interface Member {
  readonly group: Socket;
  readonly socket: DiscoverySocket;
  joined: boolean;
}

const systemSocket: DiscoverySocketFactory = (family) => createSocket({ type: family === 'IPv4' ? 'udp4' : 'udp6', reuseAddr: true });

function bind(socket: DiscoverySocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(LOCAL_DISCOVERY_PORT, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

export class LocalDiscovery {
  private constructor(
    private readonly members: readonly Member[],
    private readonly handlers: DiscoveryHandlers,
  ) {}

  /** Binds port 1968 for each family and joins its group; what fails only leaves that family out (or for a later join). */
  static async open(families: readonly DiscoveryFamily[], handlers: DiscoveryHandlers, create: DiscoverySocketFactory = systemSocket): Promise<LocalDiscovery> {
    const members: Member[] = [];
    for (const family of families) {
      const group: Socket = { family, address: family === 'IPv4' ? MULTICAST_GROUP_V4 : MULTICAST_GROUP_V6, port: LOCAL_DISCOVERY_PORT };
      const socket = create(family);
      try {
        await bind(socket);
      } catch (error) {
        socket.close();
        handlers.failed(`multicast ${group.address}`, error as Error);
        continue;
      }
      socket.on('message', (bytes, info) => handlers.received(bytes, info.address, info.port));
      socket.on('error', (error) => handlers.failed(`multicast ${group.address}`, error));
      members.push({ group, socket, joined: false });
    }
    const discovery = new LocalDiscovery(members, handlers);
    discovery.join(true);
    return discovery;
  }

  /**
   * The groups to announce to now: those joined, after one more try at the others (an interface
   * or route may have come up since). Only the first failure of a family is reported.
   */
  groups(): Socket[] {
    this.join(false);
    return this.members.filter((member) => member.joined).map((member) => member.group);
  }

  close(): Promise<void> {
    return Promise.all(this.members.map((member) => new Promise<void>((resolve) => member.socket.close(() => resolve())))).then(() => undefined);
  }

  private join(report: boolean): void {
    for (const member of this.members) {
      if (member.joined) continue;
      try {
        member.socket.addMembership(member.group.address);
        member.joined = true;
      } catch (error) {
        if (report) this.handlers.failed(`multicast ${member.group.address}`, error as Error);
      }
    }
  }
}
