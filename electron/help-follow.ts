// Main's view of the help session (issue 13), for the tray, the banner and the overlay: the one
// session that is waiting for an answer or running, from a kith.help.status snapshot and the
// `kith.help` topic's session events. Pure, for tests; what arrives is the engine's own output.
import type { HelpEvent, HelpSession, HelpStatus } from '../engine/help/api.js';

/** The open session in a snapshot (the engine keeps one at a time; ended ones linger). */
export function openSession(status: HelpStatus): HelpSession | undefined {
  return status.sessions.find((session) => session.phase !== 'ended');
}

/** The open session after an event: a session event replaces it, or ends it when it ended. */
export function followHelpEvent(current: HelpSession | undefined, event: HelpEvent): HelpSession | undefined {
  if (event.kind !== 'session') return current;
  if (event.session.phase !== 'ended') return event.session;
  return current?.id === event.session.id ? undefined : current;
}
