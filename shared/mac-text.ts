// 6-byte Ethernet addresses as text (PROTOCOL.md §0): the engine's protocol code and the config
// schema both read and write them this way.
import { err, ok, type Result } from './result.js';

const MAC_SIZE = 6;

/** 'aa:bb:cc:dd:ee:ff', lowercase. */
export function macToString(mac: Uint8Array): string {
  let text = '';
  for (let i = 0; i < MAC_SIZE; i++) {
    if (i > 0) text += ':';
    text += (mac[i] ?? 0).toString(16).padStart(2, '0');
  }
  return text;
}

/** Parses 'aa:bb:cc:dd:ee:ff' (also with '-' separators, any case). */
export function parseMac(text: string): Result<Uint8Array, 'bad-mac'> {
  const match = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(
    text,
  );
  if (match === null) return err('bad-mac', text);
  return ok(Uint8Array.from(match.slice(1), (pair) => parseInt(pair, 16)));
}
