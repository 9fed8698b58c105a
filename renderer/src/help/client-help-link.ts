// The engine's `kith.help.*` methods and `kith.help` topic through the window's typed client.
import type { KithClient } from '../client/client.js';
import type { HelpLink } from './help-link.js';

export function clientHelpLink(client: KithClient): HelpLink {
  return {
    status: () => client.call('kith.help.status'),
    request: (peerMac) => client.call('kith.help.request', [peerMac]),
    ask: (peerMacs) => client.call('kith.help.ask', [[...peerMacs]]),
    answer: (sessionId, allow) => client.call('kith.help.answer', [sessionId, allow]),
    connected: (sessionId) => client.call('kith.help.connected', [sessionId]),
    signal: async (sessionId, signal) => {
      await client.call('kith.help.signal', [sessionId, signal]);
    },
    stop: (sessionId) => client.call('kith.help.stop', [sessionId]),
    listen: (onEvent, onLink) =>
      client.listen(
        ['kith.help'],
        (event) => {
          if (event.topic === 'kith.help') onEvent(event.payload);
        },
        onLink,
      ),
  };
}
