// connection.bind and supernode addresses as n3n main reads them (its config dump, issue 14 notes),
// with one message for what is neither an IPv4 nor an IPv6 literal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHostPort, parseSockAddr } from './values.js';

type Parsed = { ok: true; value: unknown } | { ok: false; detail?: string };

/** accepted: text and what it reads as; refused: texts whose message must match allowed. */
function cases(name: string, parse: (text: string) => Parsed, accepted: [string, unknown][], refused: string[], allowed: RegExp): void {
  describe(name, () => {
    for (const [text, value] of accepted) it(`reads ${JSON.stringify(text)}`, () => assert.deepEqual(parse(text), { ok: true, value }));
    for (const text of refused) {
      it(`refuses ${JSON.stringify(text)}, saying what is allowed`, () => {
        const result = parse(text);
        assert.ok(!result.ok);
        assert.match(result.detail ?? '', allowed);
      });
    }
  });
}

const bind = (address: string, port: number): { address: string; port: number } => ({ address, port });
cases(
  'parseSockAddr (connection.bind)',
  parseSockAddr,
  [
    ['7777', bind('::', 7777)],
    [':7700', bind('::', 7700)],
    ['0', bind('::', 0)],
    ['1.2.3.4', bind('1.2.3.4', 0)],
    ['1.2.3.4:99', bind('1.2.3.4', 99)],
    ['[::1]:99', bind('::1', 99)],
    ['[::1]', bind('::1', 0)],
    ['::1', bind('::1', 0)],
    ['::', bind('::', 0)],
    ['2001:db8::1', bind('2001:db8::1', 0)],
    ['::ffff:1.2.3.4', bind('1.2.3.4', 0)],
    ['[1.2.3.4]:5', bind('1.2.3.4', 5)],
    ['[2001:db8::1]:7654', bind('2001:db8::1', 7654)],
  ],
  ['host.example', 'host.example:1', 'fe80::1%lo', '[fe80::1%lo]:5', '1.2.3.4:abc', '70000', '1.2.3.4:70000', '1.2.3.4:', '[::1]:x', '1.2.3', ''],
  /IPv4 or IPv6 address/,
);

const host = (name: string, port: number): { host: string; port: number } => ({ host: name, port });
cases(
  'parseHostPort (community.supernode, -l, supernode.peer)',
  (text) => parseHostPort(text, 7654),
  [
    ['sn.example', host('sn.example', 7654)],
    ['sn.example:7655', host('sn.example', 7655)],
    ['[fd6e::1]:7654', host('fd6e::1', 7654)],
    ['[fd6e::1]', host('fd6e::1', 7654)],
    ['fd6e::1', host('fd6e::1', 7654)],
    ['fd6e::1:7655', host('fd6e::1:7655', 7654)],
    ['10.0.0.1:99', host('10.0.0.1', 99)],
    ['[sn.example]:7656', host('sn.example', 7656)],
  ],
  ['fe80::1%eth0', '[fe80::1%eth0]:7654', 'sn_x.example', 'sn.example:http', '[fd6e::1]:70000', ':7654', '[]:1'],
  /IPv6 address/,
);
