// What the window's help session needs of the engine: the `kith.help.*` methods and the
// `kith.help` topic (help contract), whichever transport carries them.
import type { HelpEvent, HelpSession, HelpSignal, HelpStatus } from '../../../engine/help/api.js';

export interface HelpLink {
  status(): Promise<HelpStatus>;
  request(peerMac: string): Promise<HelpSession>;
  ask(peerMacs: readonly string[]): Promise<{ readonly sent: number }>;
  answer(sessionId: string, allow: boolean): Promise<HelpSession>;
  connected(sessionId: string): Promise<HelpSession>;
  signal(sessionId: string, signal: HelpSignal): Promise<void>;
  stop(sessionId: string): Promise<HelpSession>;
  /** Events of the `kith.help` topic; 'up' after every (re)connect, when a snapshot must be read. */
  listen(onEvent: (event: HelpEvent) => void, onLink: (link: 'up' | 'down') => void): () => void;
}
