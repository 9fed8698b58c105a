// Switching the live network from the tray is asked first, as in the window: the computers of the
// active network lose this one. The question's words, from the tray's snapshot; main.ts shows it.
import type { MessageBoxOptions } from 'electron';
import type { DesktopSnapshot } from './desktop-snapshot.js';

const SWITCH = 0;
const CANCEL = 1;

/** The question before switching to `name`, or undefined when `name` is already the active network. */
export function switchQuestion(snapshot: DesktopSnapshot, name: string): MessageBoxOptions | undefined {
  const active = snapshot.profiles.find((profile) => profile.active)?.name;
  if (active === name) return undefined;
  const state = snapshot.status?.state;
  const live = state === 'registered' || state === 'connecting' || state === 'no-supernode';
  const from = active ?? 'the active network';
  return {
    type: 'question',
    title: 'Kith',
    message: `Switch to “${name}”?`,
    detail: live
      ? `This computer leaves “${from}” now: its computers can no longer reach this one, nor this one them, until you switch back. Then it connects to “${name}”.`
      : `This computer will use “${name}” instead of “${from}”.`,
    buttons: ['Switch network', 'Cancel'],
    defaultId: CANCEL,
    cancelId: CANCEL,
    noLink: true,
  };
}

/** Whether the answer to switchQuestion was yes. */
export const switchAnswered = (response: number): boolean => response === SWITCH;
