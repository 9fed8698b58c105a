// What the handler of a device read or a socket wake-up queues (datagrams to send, frames to write)
// leaves when that handler returns: the TAP and UDP wrappers run their handlers in a scope, and
// the queues ask to be flushed at its end. Outside a scope (a timer, a management call) a flush
// follows the current callback through process.nextTick, as before. No timer, no setImmediate
// and no extra tick stand between a readable device or socket and the send.
let depth = 0;
const pending: (() => void)[] = [];
/** Whether this scope has flushed early already (flushNow). */
let flushedEarly = false;

/** Runs handler; flushes registered with flushAfter during it run when it returns (also on a throw). */
export function inCallbackScope<T>(handler: () => T): T {
  if (depth === 0) flushedEarly = false;
  depth++;
  try {
    return handler();
  } finally {
    try {
      if (depth === 1) runPending();
    } finally {
      if (depth === 1) pending.length = 0;
      depth--;
    }
  }
}

function runPending(): void {
  // A flush may queue more (a write failing over to another path): those run here too.
  for (let flush = pending.shift(); flush !== undefined; flush = pending.shift()) flush();
}

/**
 * Runs the flushes queued so far in this handler now rather than when it returns: an answer to a
 * probe whose round trip the other side measures (rtt.ts) leaves before the handler does the rest
 * of its work and the rest of its batch. Once per handler: a busy wake-up's later answers leave
 * together at its end, one system call rather than one each. Outside a handler the flush follows
 * the callback anyway.
 */
export function flushNow(): void {
  if (depth === 0 || flushedEarly) return;
  flushedEarly = true;
  runPending();
}

/** flush runs at the end of the current handler scope, else after the current callback. Call once per queue fill. */
export function flushAfter(flush: () => void): void {
  if (depth > 0) pending.push(flush);
  else process.nextTick(flush);
}
