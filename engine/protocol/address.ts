// Text ↔ bytes for IP addresses. Parsing writes into a caller-supplied buffer without allocating
// (the supernode inserts sockets into forwarded PACKETs, §4.3). PROTOCOL.md §1.1: IPv4-mapped IPv6
// addresses are treated as the IPv4 address everywhere.

/** Address bytes: 4 for IPv4 (including IPv4-mapped IPv6), 16 for IPv6; 0 = not an address. */
export type AddressLength = 0 | 4 | 16;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;
const COLON = 58;

/**
 * Parses text into out[0..4] or out[0..16] (out needs 16 bytes). IPv4-mapped IPv6 yields the IPv4
 * address. An IPv6 zone suffix ('%eth0') is ignored: it cannot travel on the wire.
 */
export function parseAddress(text: string, out: Uint8Array): AddressLength {
  if (parseIpv4(text, 0, text.length, out, 0)) return 4;
  if (!parseIpv6(text, out)) return 0;
  if (isIpv4Mapped(out)) {
    out.copyWithin(0, 12, 16);
    return 4;
  }
  return 16;
}

export function formatIpv4(buf: Uint8Array, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as '::'. */
export function formatIpv6(buf: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((buf[offset + 2 * i]! << 8) | buf[offset + 2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/**
 * A literal address as the bytes a socket call takes: 4 for IPv4 (IPv4-mapped text included), 16
 * for IPv6. undefined for text that is no literal address, or that names a zone: a socket would
 * need the zone's index, which no Kith address carries.
 */
export function addressBytes(text: string): { family: 4 | 6; bytes: Uint8Array } | undefined {
  if (text.includes('%')) return undefined;
  const out = new Uint8Array(16);
  const length = parseAddress(text, out);
  if (length === 0) return undefined;
  return { family: length === 4 ? 4 : 6, bytes: out.slice(0, length) };
}

/** The text a node:dgram socket sends to: a dual-stack one reaches IPv4 through the IPv4-mapped form. */
export function dgramTarget(address: string, ipv4: boolean, dualStack: boolean): string {
  return dualStack && ipv4 ? `::ffff:${address}` : address;
}

export function isIpv4Mapped(address16: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (address16[i] !== 0) return false;
  return address16[10] === 0xff && address16[11] === 0xff;
}

/** Dotted quad text[start..end) → out[offset..offset+4]. */
function parseIpv4(text: string, start: number, end: number, out: Uint8Array, offset: number): boolean {
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? DOT : text.charCodeAt(i);
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      value = value * 10 + (c - DIGIT_0);
      if (++digits > 3 || value > 255) return false;
    } else if (c === DOT) {
      if (digits === 0 || octets === 4) return false;
      out[offset + octets++] = value;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return octets === 4;
}

function hexValue(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** RFC 4291 text form (with optional '::', trailing dotted quad, and zone) → out[0..16]. */
function parseIpv6(text: string, out: Uint8Array): boolean {
  const zone = text.indexOf('%');
  const end = zone < 0 ? text.length : zone;
  let groups = 0;
  let gapAt = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gapAt = 0;
    i = 2;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    let digits;
    for (digits = 0; i < end && digits <= 4; digits++, i++) {
      const v = hexValue(text.charCodeAt(i));
      if (v < 0) break;
      value = (value << 4) | v;
    }
    if (i < end && text.charCodeAt(i) === DOT) {
      if (groups > 6 || !parseIpv4(text, groupStart, end, out, groups * 2)) return false;
      groups += 2;
      break;
    }
    if (digits === 0 || digits > 4 || groups === 8) return false;
    out[groups * 2] = value >>> 8;
    out[groups * 2 + 1] = value & 0xff;
    groups++;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (text.charCodeAt(i) === COLON) {
      if (gapAt >= 0) return false;
      gapAt = groups;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (gapAt < 0) return groups === 8;
  if (groups > 7) return false;
  const tailBytes = (groups - gapAt) * 2;
  out.copyWithin(16 - tailBytes, gapAt * 2, groups * 2);
  out.fill(0, gapAt * 2, 16 - tailBytes);
  return true;
}
