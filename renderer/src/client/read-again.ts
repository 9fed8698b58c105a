// A snapshot read the browser dropped is asked once more. A browser fails the requests in flight
// when the computer's network changes — Kith's own interface coming up does it — while the event
// stream stays up, so nothing else would read the snapshot again; one more try tells a dropped
// request from a stopped engine.
import { isOffline } from './errors.js';

/** How much later a dropped read is asked again, before the engine counts as down. */
export const READ_AGAIN_MS = 300;

export async function readAgainIfDropped<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isOffline(error)) throw error;
  }
  await new Promise((resolve) => setTimeout(resolve, READ_AGAIN_MS));
  return read();
}
