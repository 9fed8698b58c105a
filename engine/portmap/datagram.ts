// One UDP request/response exchange with the gateway, as NAT-PMP and PCP make them: send, wait for
// an answer that matches, send again after 250 ms, 500 ms, 1 s … (RFC 6886 §3.1; RFC 6887 §8.1.1
// starts at 3 s, too slow for a first answer, and allows a shorter schedule), give up at a deadline.
// Only datagrams from the gateway's address and server port count; anything else is ignored, so a
// host on the LAN cannot answer in the router's place by racing it from another address.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import type { IpFamily } from './default-gateway.js';

export interface Peer {
  readonly address: string;
  readonly port: number;
}

/** A bound UDP socket, reduced to what the exchanges need (tests give their own). */
export interface DatagramPort {
  send(bytes: Uint8Array, to: Peer): void;
  /** Adds a listener; the returned function removes it. */
  onMessage(listener: (bytes: Uint8Array, from: Peer) => void): () => void;
  close(): void;
}

/** The timers every wait uses; tests give a manual clock. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // A pending renewal or retransmission never keeps the process alive on its own.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The largest datagram either protocol sends (PCP: 1100 bytes, RFC 6887 §7); longer ones are not read. */
export const MAX_DATAGRAM = 1100;

/** Opens a UDP socket on an ephemeral port of `localAddress` (the address mappings are made for). */
export function openDatagramPort(family: IpFamily, localAddress?: string): Promise<DatagramPort> {
  return new Promise((resolve, reject) => {
    const socket: UdpSocket = createSocket({ type: family === 'IPv4' ? 'udp4' : 'udp6' });
    const listeners = new Set<(bytes: Uint8Array, from: Peer) => void>();
    socket.on('message', (bytes, info) => {
      if (bytes.length > MAX_DATAGRAM) return;
      for (const listener of listeners) listener(bytes, { address: info.address, port: info.port });
    });
    socket.once('error', reject);
    socket.bind({ port: 0, ...(localAddress === undefined ? {} : { address: localAddress }) }, () => {
      socket.off('error', reject);
      // Errors after binding (ICMP port unreachable turned ECONNREFUSED) only mean "no answer".
      socket.on('error', () => undefined);
      socket.unref();
      resolve({
        send: (bytes, to) => socket.send(bytes, to.port, to.address, () => undefined),
        onMessage: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        close: () => {
          listeners.clear();
          try {
            socket.close();
          } catch {
            // Closed already.
          }
        },
      });
    });
  });
}

export interface ExchangeOptions {
  /** First retransmission after this many ms; each next one waits twice as long. */
  readonly firstRetryMs: number;
  /** Stop waiting this many ms after the first send. */
  readonly deadlineMs: number;
}

export const FIRST_RETRY_MS = 250;

/**
 * Sends `request` to `server` until `accept` returns something for a datagram from exactly that
 * address and port, or the deadline passes ('timeout'). `accept` must not throw (decoders return
 * undefined for what is not the answer).
 */
export function exchange<T>(port: DatagramPort, server: Peer, request: Uint8Array, accept: (bytes: Uint8Array) => T | undefined, options: ExchangeOptions, clock: Clock): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    const started = clock.now();
    let retryMs = options.firstRetryMs;
    let timer: unknown;
    const finish = (value: T | 'timeout'): void => {
      unsubscribe();
      clock.clearTimeout(timer);
      resolve(value);
    };
    const unsubscribe = port.onMessage((bytes, from) => {
      if (!sameAddress(from.address, server.address) || from.port !== server.port) return;
      const value = accept(bytes);
      if (value !== undefined) finish(value);
    });
    const send = (): void => {
      port.send(request, server);
      const left = options.deadlineMs - (clock.now() - started);
      if (left <= 0) {
        finish('timeout');
        return;
      }
      const wait = Math.min(retryMs, left);
      retryMs *= 2;
      timer = clock.setTimeout(() => (clock.now() - started >= options.deadlineMs ? finish('timeout') : send()), wait);
    };
    send();
  });
}

/** Addresses as the socket reports them: IPv4-mapped and zoned IPv6 compare by their plain form. */
export function sameAddress(a: string, b: string): boolean {
  const plain = (text: string): string => text.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();
  return plain(a) === plain(b);
}
