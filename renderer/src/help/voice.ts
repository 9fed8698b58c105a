// The `voice` data channel: the helped person turned voice on or off, and the helper's window
// follows (help contract: voice is off unless the helped person turns it on). Hostile input:
// anything but the two exact messages is ignored.

export function encodeVoice(on: boolean): string {
  return on ? 'voice:on' : 'voice:off';
}

export function decodeVoice(message: unknown): boolean | undefined {
  if (message === 'voice:on') return true;
  if (message === 'voice:off') return false;
  return undefined;
}
