// Addresses of tests on loopback. PROTOCOL.md §12 item 13: test supernodes listen on 127.0.0.1 and
// each edge binds its own 127.0.0.x, so every node has a distinct socket; the edge's rule for
// loopback sockets reported by a supernode is in engine/edge/context.ts (reportedSocket).
import { parseMac } from '../protocol/index.js';
import type { Mac } from '../protocol/index.js';

/** Where test supernodes listen. */
export const LOOPBACK = '127.0.0.1';

/** A MAC written "02:00:…" in a test; a typo fails the test. */
export function mac(text: string): Mac {
  const parsed = parseMac(text);
  if (!parsed.ok) throw new Error(`bad MAC ${text}`);
  return parsed.value;
}
