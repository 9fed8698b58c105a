// The TAP side of the edge as a small port: the edge never talks to the native addon directly, the
// caller adapts its device (native TapDevice, a test double, a userspace stack) to this interface.
import type { Mac } from '../../protocol/index.js';
import type { TapDevice } from '../../../native/tap.js';

export interface FramePort {
  /** The interface's MAC: the edge MAC on the wire (PROTOCOL.md §8.1). */
  readonly mac: Mac;
  readonly mtu: number;
  /** Registers the single consumer of frames read from the interface (batched as the device reads). */
  onFrames(handler: (frames: readonly Uint8Array[]) => void): void;
  /**
   * Writes one Ethernet frame to the interface. The edge passes a view of a reused buffer, so an
   * implementation that keeps the bytes after returning must copy them.
   */
  write(frame: Uint8Array): void;
  close(): void;
  /** The addon's device behind the port, where there is one: the express lane (express-lane.ts) works on it. */
  readonly nativeDevice?: TapDevice;
}

/** What an in-memory port saw written by its edge, for tests. */
export interface MemoryFramePort extends FramePort {
  /** Frames the edge wrote (copies), oldest first. */
  readonly written: Uint8Array[];
  /** Feeds frames to the edge as if the host had sent them. */
  inject(...frames: Uint8Array[]): void;
  /** Resolves with the first written frame (past or future) matching predicate, or rejects after timeoutMs. */
  waitFor(predicate: (frame: Uint8Array) => boolean, timeoutMs: number): Promise<Uint8Array>;
}

/** A port backed by memory: frames injected by the test go to the edge; frames the edge writes are recorded. */
export function createMemoryFramePort(mac: Mac, mtu = 1290): MemoryFramePort {
  let handler: ((frames: readonly Uint8Array[]) => void) | undefined;
  const written: Uint8Array[] = [];
  const waiters = new Set<(frame: Uint8Array) => void>();
  let closed = false;
  return {
    mac,
    mtu,
    written,
    onFrames(h) {
      handler = h;
    },
    write(frame) {
      if (closed) throw new Error('frame port closed');
      const copy = Uint8Array.from(frame);
      written.push(copy);
      for (const waiter of [...waiters]) waiter(copy);
    },
    close() {
      closed = true;
    },
    inject(...frames) {
      if (!closed) handler?.(frames);
    },
    waitFor(predicate, timeoutMs) {
      const seen = written.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = (frame: Uint8Array): void => {
          if (!predicate(frame)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(frame);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching frame written within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
