// kith://join?… invite links. The OS delivers them three ways: in argv of the first start (Linux,
// Windows), in argv of a second start forwarded through 'second-instance' (Linux, Windows), and as
// 'open-url' (macOS, which must be listened to before 'ready'). Every route ends in one queue; a
// link is imported (engine method `kith.invite.import`) only after the person confirms it in the window.
import type { App, BrowserWindow, Dialog } from 'electron';
import { decodeInvite, inviteSummary } from '../engine/profiles/invite-link.js';

export const PROTOCOL = 'kith';
/** Longer than any invite the engine creates; a guard against pasting a whole document. */
const MAX_LINK_LENGTH = 4096;

/** True for a well-formed kith://join link. */
export function isInviteLink(text: string): boolean {
  if (text.length > MAX_LINK_LENGTH) return false;
  try {
    const url = new URL(text);
    // kith://join?x parses with host 'join'; kith:join?x with pathname 'join'.
    return url.protocol === `${PROTOCOL}:` && (url.host === 'join' || url.pathname === 'join' || url.pathname === '//join');
  } catch {
    return false;
  }
}

/** The invite link among command-line arguments, if any (Windows passes it quoted, possibly with a trailing slash). */
export function findInviteLink(argv: readonly string[]): string | undefined {
  for (const arg of argv) {
    const trimmed = arg.trim();
    if (isInviteLink(trimmed)) return trimmed;
  }
  return undefined;
}

/**
 * The confirmation's words (invite-link.ts inviteSummary, as the window shows them): the network,
 * its supernodes, the address this computer will use and the encryption, never the key; or why the
 * link cannot be used.
 */
export function describeInvite(link: string): { readonly usable: boolean; readonly message: string; readonly detail: string } {
  const decoded = decodeInvite(link);
  if (!decoded.ok) return { usable: false, message: 'This invite link cannot be used.', detail: decoded.detail ?? 'The link is not a Kith invite.' };
  const summary = inviteSummary(decoded.value);
  return {
    usable: true,
    message: `Join the network “${summary.community}”?`,
    detail: [
      `Supernodes: ${summary.supernodes}`,
      `This computer's address: ${summary.address}`,
      `Encryption: ${summary.encryption}`,
      'Accept invites only from people you trust: everyone in the network can reach this computer.',
    ].join('\n\n'),
  };
}

/** Registers kith:// with the OS. A development run registers the Electron binary with its main script. */
export function registerProtocol(app: Pick<App, 'setAsDefaultProtocolClient'>, argv: readonly string[] = process.argv, defaultApp: boolean = process.defaultApp === true): boolean {
  const script = argv[1];
  if (defaultApp && script !== undefined) return app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [script]);
  return app.setAsDefaultProtocolClient(PROTOCOL);
}

export type ImportInvite = (link: string) => Promise<{ readonly ok: true; readonly profile: string } | { readonly ok: false; readonly message: string }>;

export interface InviteQueueOptions {
  /** Shows (creating if needed) the main window; the confirmation is attached to it. */
  readonly showWindow: () => Promise<BrowserWindow>;
  readonly dialog: Pick<Dialog, 'showMessageBox'>;
  readonly importInvite: ImportInvite;
  readonly notify: (title: string, body: string) => void;
}

/** Takes links from any route, one confirmation at a time; links arriving before `start()` wait. */
export function createInviteQueue({ showWindow, dialog, importInvite, notify }: InviteQueueOptions): { push(link: string): void; start(): void } {
  const pending: string[] = [];
  let started = false;
  let busy = false;
  const next = async (): Promise<void> => {
    if (!started || busy) return;
    const link = pending.shift();
    if (link === undefined) return;
    busy = true;
    try {
      const window = await showWindow();
      const facts = describeInvite(link);
      if (!facts.usable) {
        await dialog.showMessageBox(window, { type: 'warning', title: 'Kith invite', message: facts.message, detail: facts.detail, buttons: ['OK'], noLink: true });
        return;
      }
      const answer = await dialog.showMessageBox(window, {
        type: 'question',
        title: 'Kith invite',
        message: facts.message,
        detail: facts.detail,
        buttons: ['Join', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      if (answer.response === 0) {
        const result = await importInvite(link);
        if (result.ok) notify('Invite accepted', `Joined the network “${result.profile}”.`);
        else notify('Invite not imported', result.message);
      }
    } catch (error) {
      notify('Invite not imported', error instanceof Error ? error.message : String(error));
    } finally {
      busy = false;
      void next();
    }
  };
  return {
    push(link) {
      if (!isInviteLink(link) || pending.includes(link)) return;
      pending.push(link);
      void next();
    },
    start() {
      started = true;
      void next();
    },
  };
}
