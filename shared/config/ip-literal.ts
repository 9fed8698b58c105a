// IP address literals, checked as Node's net.isIPv4/isIPv6 check them (the property test holds
// them to it), without Node: the schema's parsers run in the window too.

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/** Dotted quad, no leading zeros. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** Eight groups, or fewer around one `::`; an IPv4 tail counts as two groups; an optional %zone. */
export function isIPv6(text: string): boolean {
  const [address = '', zone, ...more] = text.split('%');
  if (more.length > 0 || (zone !== undefined && !ZONE.test(zone))) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const compressed = halves.length === 2;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  // An IPv4 tail only at the very end: `1.2.3.4::` is not an address.
  const tail = groups.at(-1);
  const v4Tail = tail !== undefined && (!compressed || (halves[1] ?? '') !== '') && isIPv4(tail);
  const hexGroups = v4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((group) => GROUP.test(group))) return false;
  const count = hexGroups.length + (v4Tail ? 2 : 0);
  return compressed ? count <= 7 : count === 8;
}
