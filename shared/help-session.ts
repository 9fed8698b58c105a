// Where a help session stands (docs/help-session.md), as the engine, Electron's main process and the
// window all read it: which session is open, which one runs, and the session list after a session event.
// Browser-safe (lint keeps it so): the renderer imports it as a value.

export type HelpRole = 'helper' | 'helped';
export type HelpPhase =
  | 'requesting' // helper: request sent, waiting for the helped person's answer
  | 'prompting' // helped: the prompt is shown, waiting for Allow / Don't allow (60 s)
  | 'connecting' // both: allowed, WebRTC is being set up
  | 'sharing' // both: the picture flows
  | 'ended'; // both: final; `reason` says why

/** What these rules read of a session: the fields of HelpSession (engine/help/api.ts). */
interface SessionStand {
  readonly id: string;
  readonly role: HelpRole;
  readonly phase: HelpPhase;
}

/** The session runs: from Allow until either side stops it. */
export function isLive(session: SessionStand | undefined): boolean {
  return session !== undefined && (session.phase === 'connecting' || session.phase === 'sharing');
}

/** This computer's screen is shared (or about to be): the banner, the overlay and the tray say so. */
export function sharesThisScreen(session: SessionStand | undefined): boolean {
  return session?.role === 'helped' && isLive(session);
}

/** The open session: waiting for an answer or running (the engine keeps one at a time; ended ones linger). */
export function openSession<S extends SessionStand>(sessions: readonly S[]): S | undefined {
  return sessions.find((session) => session.phase !== 'ended');
}

/** The sessions after a session event: the open one first, ended ones after it; the same list when nothing changed. */
export function withSession<S extends SessionStand>(sessions: readonly S[], session: S): readonly S[] {
  // 'ended' is final: a method's reply that comes after the event of the session's end (the
  // peer answered "busy" before the request's reply was read) does not bring it back.
  if (sessions.some((known) => known.id === session.id && known.phase === 'ended')) return sessions;
  const others = sessions.filter((known) => known.id !== session.id);
  if (session.phase !== 'ended') return [session, ...others];
  return [...others.filter((known) => known.phase !== 'ended'), session, ...others.filter((known) => known.phase === 'ended')];
}

/** The open session after a session event, for who keeps only that one (Electron's main process). */
export function followSession<S extends SessionStand>(open: S | undefined, session: S): S | undefined {
  return openSession(withSession(open === undefined ? [] : [open], session));
}
