// The `kith.help.*` methods and the `kith.help` topic (docs/help-session.md), added to an edge's
// table as a management extension, as the profile methods are. The window reads and drives the help
// session only through these; all of them need the management password.
import { defineMethod, RpcError, topic, type ManagementExtension, type MethodTable } from '../mgmt/index.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { HelpEvent, HelpSession, HelpSignal, HelpStatus } from './api.js';
import type { HelpService } from './help-service.js';
import type { SessionError } from './sessions.js';
import { macToString, parseMac } from '../../shared/mac-text.js';
import { isSessionId, parseHelpSignal } from './wire.js';

const MAX_ASKED_PEERS = 64;

/** A MAC as the engine writes them (lowercase, colons), or undefined for anything else. */
function macText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseMac(value);
  return parsed.ok ? macToString(parsed.value) : undefined;
}

function parseMacArg(raw: unknown): Result<[string], string> {
  const mac = Array.isArray(raw) && raw.length === 1 ? macText(raw[0]) : undefined;
  return mac !== undefined ? ok([mac]) : err('expecting [peer MAC]');
}

function parseMacs(raw: unknown): Result<[string[]], string> {
  const macs = Array.isArray(raw) && raw.length === 1 && Array.isArray(raw[0]) && raw[0].length <= MAX_ASKED_PEERS ? raw[0].map(macText) : undefined;
  if (macs === undefined || !macs.every((mac): mac is string => mac !== undefined)) return err(`expecting [[peer MACs]] (at most ${MAX_ASKED_PEERS})`);
  return ok([macs]);
}

function parseId(raw: unknown): Result<[string], string> {
  return Array.isArray(raw) && raw.length === 1 && isSessionId(raw[0]) ? ok([raw[0]]) : err('expecting [session id]');
}

function parseAnswer(raw: unknown): Result<[string, boolean], string> {
  return Array.isArray(raw) && raw.length === 2 && isSessionId(raw[0]) && typeof raw[1] === 'boolean' ? ok([raw[0], raw[1]]) : err('expecting [session id, allow]');
}

function parseSignal(raw: unknown): Result<[string, HelpSignal], string> {
  const id: unknown = Array.isArray(raw) && raw.length === 2 ? raw[0] : undefined;
  const signal = isSessionId(id) ? parseHelpSignal((raw as unknown[])[1]) : undefined;
  return signal !== undefined ? ok([id as string, signal]) : err('expecting [session id, {type: offer|answer, sdp} | {type: candidate, candidate, sdpMid, sdpMLineIndex}]');
}

/** A refusal in words the window can show. */
function refusal(service: HelpService, error: SessionError): RpcError {
  switch (error) {
    case 'busy':
      return new RpcError(409, 'A help session is already open on this computer.');
    case 'unknown-peer':
      return new RpcError(404, 'That computer is not in the network now.');
    case 'unknown-session':
      return new RpcError(404, 'No such help session.');
    case 'wrong-phase':
      return new RpcError(409, 'The help session is not at that step.');
    case 'no-self':
      return new RpcError(409, service.problem() === 'no-key' ? 'Help needs an encrypted network.' : 'This computer has no address in the network yet.');
  }
}

function settled<T>(service: HelpService, result: Result<T, SessionError>): T {
  if (!result.ok) throw refusal(service, result.error);
  return result.value;
}

export function helpMethods(service: HelpService) {
  const { sessions } = service;
  return {
    'kith.help.status': defineMethod({
      description: 'Kith: help sessions, whether each peer can take part, and recent requests for help',
      needsAuth: true,
      handler: (): HelpStatus => service.status(),
    }),
    'kith.help.request': defineMethod({
      description: "Kith: ask to see a peer's screen (its user is asked to allow it); params [peer MAC]",
      needsAuth: true,
      parseParams: parseMacArg,
      handler: ([mac]): HelpSession => settled(service, sessions.request(mac)),
    }),
    'kith.help.ask': defineMethod({
      description: 'Kith: ask peers for help (a note on their screens; nothing is shared); params [[peer MACs]]',
      needsAuth: true,
      parseParams: parseMacs,
      handler: ([macs]): { sent: number } => {
        if (service.problem() !== undefined) throw refusal(service, 'no-self');
        return { sent: sessions.ask(macs) };
      },
    }),
    'kith.help.answer': defineMethod({
      description: 'Kith: allow or refuse a request to see this screen; params [session id, allow]',
      needsAuth: true,
      parseParams: parseAnswer,
      handler: ([id, allow]): HelpSession => settled(service, sessions.answer(id, allow)),
    }),
    'kith.help.connected': defineMethod({
      description: 'Kith: the picture of a help session flows; params [session id]',
      needsAuth: true,
      parseParams: parseId,
      handler: ([id]): HelpSession => settled(service, sessions.connected(id)),
    }),
    'kith.help.signal': defineMethod({
      description: "Kith: pass a WebRTC offer, answer or candidate to the session's peer; params [session id, signal]",
      needsAuth: true,
      parseParams: parseSignal,
      handler: ([id, signal]): Record<string, never> => {
        settled(service, sessions.signal(id, signal));
        return {};
      },
    }),
    'kith.help.stop': defineMethod({
      description: 'Kith: end a help session (either side); params [session id]',
      needsAuth: true,
      parseParams: parseId,
      handler: ([id]): HelpSession => settled(service, sessions.stop(id)),
    }),
  } satisfies MethodTable;
}

export type HelpMethods = ReturnType<typeof helpMethods>;

export const HELP_TOPICS = {
  'kith.help': topic<HelpEvent>('Help sessions: phase changes, WebRTC signals from the peer, requests for help, peer availability'),
};

/** The help methods and topic; the service runs while the management server does. */
export function helpExtension(service: HelpService): ManagementExtension<HelpMethods, typeof HELP_TOPICS> {
  return {
    methods: helpMethods(service),
    topics: HELP_TOPICS,
    publishTo: (publish) => {
      const onEvent = (event: HelpEvent): void => publish('kith.help', event);
      service.events.on('event', onEvent);
      service.start();
      // Closing tells the peer of a running session that it ended, before the edge goes.
      return async () => {
        await service.close();
        service.events.off('event', onEvent);
      };
    },
  };
}
