// First contact in plain words (issue 12 items 4, 5): what a window says while it joins a network
// from an invite, and when the network's host refuses it (removed, or the invite no longer works).
import type { KithStatus, PeerView } from '../../../engine/profiles/api.js';
import { pathSentence, peerName } from './format.js';

export interface ContactLine {
  readonly tone: 'progress' | 'done' | 'problem';
  readonly text: string;
}

/**
 * The edge's reason when a host refuses a registration with a user and password
 * (engine/edge/supernode-registration.ts handleNak): the supernode does not say which of its
 * causes it was.
 */
const REFUSED_BY_HOST = /^refused by the network's host/;

/** How long joining may go unanswered before the window says the host does not answer. */
export const NO_ANSWER_MS = 15_000;

type StatusWords = Pick<KithStatus, 'state' | 'reason' | 'community'>;

/** Whether the network's host refused this computer's login. */
export function refusedByHost(status: StatusWords | undefined): boolean {
  return status?.state === 'error' && REFUSED_BY_HOST.test(status.reason ?? '');
}

/**
 * Why the host refuses this computer. One that was in the network before (in this window's life)
 * was removed: its own invite cannot have been used by another device since.
 */
export function refusalText(community: string, wasConnected: boolean): string {
  return wasConnected
    ? `This computer was removed from “${community}” by the computer that hosts it. It can no longer connect to that network or reach its computers. Ask its owner for a new invite if that was a mistake.`
    : `The computer that hosts “${community}” refused this computer: the invite was already used by another device or has expired, or this computer was removed. Ask for a new invite.`;
}

/**
 * After Join: where the joining stands, from the edge's state in the joined network and the peers
 * it knows. `community` is the invite's network; until the window's status names it, the switch
 * is still under way. `waitedMs`: the time since Join was pressed; `now` words a peer's last sighting.
 */
export function joinProgress(community: string, status: StatusWords | undefined, peers: readonly PeerView[], wasConnected: boolean, waitedMs: number, now: number): ContactLine {
  const notReachable: ContactLine = {
    tone: 'problem',
    text: `Not reachable yet: the computer that hosts “${community}” does not answer. It may be switched off, or its router does not let computers outside its home in. Kith keeps trying.`,
  };
  // The edge keeps "connecting" while its first registrations go unanswered: after a while that is no answer.
  const reaching: ContactLine = waitedMs >= NO_ANSWER_MS ? notReachable : { tone: 'progress', text: `Reaching the computer that hosts “${community}”…` };
  if (status === undefined || status.community !== community) return reaching;
  switch (status.state) {
    case 'registered': {
      const direct = peers.find((peer) => peer.path === 'direct');
      const first = direct ?? peers[0];
      if (first === undefined) return { tone: 'done', text: `Connected to “${community}”. Waiting for its other computers to show up…` };
      return { tone: 'done', text: `Connected: ${peerName(first)}'s computer · ${pathSentence(first, now)}` };
    }
    case 'error':
      return { tone: 'problem', text: refusedByHost(status) ? refusalText(community, wasConnected) : `Could not join: ${status.reason ?? 'unknown error'}` };
    case 'no-supernode':
      return notReachable;
    case 'stopped':
      return { tone: 'problem', text: `Joined “${community}”, but this computer is disconnected: press Connect on the Connect screen.` };
    case 'connecting':
      return reaching;
  }
}
