// What the handler of a device read or a socket wake-up queues (datagrams to send, frames to write)
// leaves when that handler returns: the TAP and UDP wrappers run their handlers in a scope, and
// the queues ask to be flushed at its end. Outside a scope (a timer, a management call) a flush
// follows the current callback through process.nextTick, as before. No timer, no setImmediate
// and no extra tick stand between a readable device or socket and the send.
let depth = 0;
const pending: (() => void)[] = [];

/** Runs handler; flushes registered with flushAfter during it run when it returns (also on a throw). */
export function inCallbackScope<T>(handler: () => T): T {
  depth++;
  try {
    return handler();
  } finally {
    try {
      // A flush may queue more (a write failing over to another path): those run here too.
      if (depth === 1) for (let i = 0; i < pending.length; i++) pending[i]!();
    } finally {
      if (depth === 1) pending.length = 0;
      depth--;
    }
  }
}

/** flush runs at the end of the current handler scope, else after the current callback. Call once per queue fill. */
export function flushAfter(flush: () => void): void {
  if (depth > 0) pending.push(flush);
  else process.nextTick(flush);
}
