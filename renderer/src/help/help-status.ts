// The help status as the window keeps it: a kith.help.status snapshot, kept current by the
// `kith.help` topic's events (STYLE.md "events out, snapshots in"). Pure, for tests.
import type { HelpAvailability, HelpEvent, HelpSession, HelpStatus } from '../../../engine/help/api.js';
import { openSession, withSession } from '../../../shared/help-session.js';

export const EMPTY_HELP_STATUS: HelpStatus = { sessions: [], peers: {}, asked: [] };

/** "X asks for your help" notes kept in the window (the engine keeps the recent ones too). */
const ASKED_KEPT = 8;

/** MACs as keys in one case, as the peers table keeps them. */
const key = (mac: string): string => mac.toLowerCase();

export function applyHelpEvent(status: HelpStatus, event: HelpEvent): HelpStatus {
  switch (event.kind) {
    case 'session': {
      const sessions = withSession(status.sessions, event.session);
      return sessions === status.sessions ? status : { ...status, sessions };
    }
    case 'asked':
      return { ...status, asked: [{ from: event.from, at: event.at }, ...status.asked.filter((note) => note.from.mac !== event.from.mac)].slice(0, ASKED_KEPT) };
    case 'availability':
      return { ...status, peers: { ...status.peers, [key(event.mac)]: event.availability } };
    case 'signal':
      return status;
  }
}

/** The session the window shows: the open one, else the most recent ended one. */
export function currentSession(status: HelpStatus): HelpSession | undefined {
  return openSession(status.sessions) ?? status.sessions[0];
}

/** The availability of a peer by MAC, whatever case either side wrote it in. */
export function availabilityOf(status: HelpStatus, mac: string): HelpAvailability {
  const wanted = key(mac);
  for (const [peerMac, availability] of Object.entries(status.peers)) if (key(peerMac) === wanted) return availability;
  return { possible: false, why: 'checking' };
}

/** Seconds left to answer, for the prompt and the helper's "waiting" line. */
export function secondsLeft(session: HelpSession, now: number): number | undefined {
  if (session.promptExpiresAt === undefined) return undefined;
  return Math.max(0, Math.ceil((session.promptExpiresAt - now) / 1000));
}
