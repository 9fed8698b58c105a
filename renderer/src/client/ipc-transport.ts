// The Electron transport: the preload's `window.kith` forwards calls and events to the engine in the
// main process (DESIGN.md "one method table, two transports").
import type { KithBridge } from './bridge.js';
import { ClientError, errorFromCode, OFFLINE_MESSAGE } from './errors.js';
import type { Transport } from './transport.js';

export function ipcTransport(bridge: KithBridge): Transport {
  return {
    kind: 'ipc',
    async call(method, params) {
      let reply;
      try {
        reply = await bridge.call(method, params);
      } catch {
        throw new ClientError('offline', OFFLINE_MESSAGE);
      }
      if (reply.ok) return reply.result;
      throw errorFromCode(reply.code, reply.message);
    },
    listen(topics, onEvent, onLink) {
      const stops = topics.map((topic) => bridge.subscribe(topic, (payload) => onEvent(topic, payload)));
      // The engine lives as long as the app: the link is up from the start.
      queueMicrotask(() => onLink('up'));
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
