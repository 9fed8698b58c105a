// What the help session's states mean in plain words, for the window, the banner and the tray.
import type { HelpAvailability, HelpEndReason, HelpSession } from '../../../engine/help/api.js';

/** The Peers screen's "Help" column: whether a help session with this computer is possible, and if not why. */
export function availabilityWords(availability: HelpAvailability): string {
  if (availability.possible) return 'Help possible';
  switch (availability.why) {
    case 'no-key':
      return 'Help needs an encrypted network';
    case 'not-kith':
      return 'Not possible: this computer does not run Kith';
    case 'no-address':
      return 'Not possible: no VPN address yet';
    case 'offline':
      return 'Not possible: the computer is not answering';
    case 'checking':
      return 'Checking…';
  }
}

/** Why a session ended, told to the person on `session.role`'s side. */
export function endWords(session: HelpSession): string {
  const name = session.peer.name;
  const reason: HelpEndReason = session.reason ?? 'failed';
  switch (reason) {
    case 'declined':
      return session.role === 'helper' ? `${name} did not allow you to see their screen.` : `You did not allow ${name} to see your screen.`;
    case 'unanswered':
      return session.role === 'helper' ? `${name} did not answer within a minute.` : `The request from ${name} was not answered within a minute; nothing was shared.`;
    case 'busy':
      return session.role === 'helper' ? `${name} is already in a help session; try again later.` : `${name} asked while another help session was open.`;
    case 'stopped-here':
      return session.role === 'helper' ? `You stopped seeing ${name}'s screen.` : `You stopped sharing your screen.`;
    case 'stopped-there':
      return session.role === 'helper' ? `${name} stopped sharing their screen.` : `${name} stopped looking at your screen.`;
    case 'peer-gone':
      return `${name}'s computer left the network; the session ended.`;
    case 'failed':
      return `The help session with ${name} could not continue.`;
  }
}

/** The prompt's question on the helped computer. */
export function promptWords(session: HelpSession): string {
  return `${session.peer.name} wants to see your screen.`;
}

/** The banner on the helped computer while the session lasts. */
export function bannerWords(session: HelpSession): string {
  return `${session.peer.name} can see your screen`;
}

/** The helper's line while waiting or connecting. */
export function helperWaitingWords(session: HelpSession, secondsLeft: number | undefined): string {
  if (session.phase === 'requesting') return `Waiting for ${session.peer.name} to allow it${secondsLeft === undefined ? '' : ` (${secondsLeft} s left)`}…`;
  if (session.phase === 'connecting') return `${session.peer.name} allowed it; connecting…`;
  return `You can see ${session.peer.name}'s screen.`;
}
