// connection.bind and supernode addresses as n3n main reads them (its config dump, issue 14 notes),
// with one message for what is neither an IPv4 nor an IPv6 literal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHostPort, parseSockAddr } from './values.js';

describe('parseSockAddr (connection.bind)', () => {
  const accepted: [string, string, number][] = [
    ['7777', '::', 7777],
    [':7700', '::', 7700],
    ['0', '::', 0],
    ['1.2.3.4', '1.2.3.4', 0],
    ['1.2.3.4:99', '1.2.3.4', 99],
    ['[::1]:99', '::1', 99],
    ['[::1]', '::1', 0],
    ['::1', '::1', 0],
    ['::', '::', 0],
    ['2001:db8::1', '2001:db8::1', 0],
    ['::ffff:1.2.3.4', '1.2.3.4', 0],
    ['[1.2.3.4]:5', '1.2.3.4', 5],
    ['[2001:db8::1]:7654', '2001:db8::1', 7654],
  ];
  for (const [text, address, port] of accepted) {
    it(`reads ${text} as ${address} port ${port}`, () => {
      assert.deepEqual(parseSockAddr(text), { ok: true, value: { address, port } });
    });
  }
  for (const text of ['host.example', 'host.example:1', 'fe80::1%lo', '[fe80::1%lo]:5', '1.2.3.4:abc', '70000', '1.2.3.4:70000', '1.2.3.4:', '[::1]:x', '1.2.3', '']) {
    it(`refuses ${JSON.stringify(text)}, saying what is allowed`, () => {
      const result = parseSockAddr(text);
      assert.ok(!result.ok);
      assert.match(result.detail ?? '', /IPv4 or IPv6 address/);
    });
  }
});

describe('parseHostPort (community.supernode, -l, supernode.peer)', () => {
  const accepted: [string, string, number][] = [
    ['sn.example', 'sn.example', 7654],
    ['sn.example:7655', 'sn.example', 7655],
    ['[fd6e::1]:7654', 'fd6e::1', 7654],
    ['[fd6e::1]', 'fd6e::1', 7654],
    ['fd6e::1', 'fd6e::1', 7654],
    ['fd6e::1:7655', 'fd6e::1:7655', 7654],
    ['10.0.0.1:99', '10.0.0.1', 99],
    ['[sn.example]:7656', 'sn.example', 7656],
  ];
  for (const [text, host, port] of accepted) {
    it(`reads ${text} as ${host} port ${port}`, () => {
      assert.deepEqual(parseHostPort(text, 7654), { ok: true, value: { host, port } });
    });
  }
  for (const text of ['fe80::1%eth0', '[fe80::1%eth0]:7654', 'sn_x.example', 'sn.example:http', '[fd6e::1]:70000', ':7654', '[]:1']) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const result = parseHostPort(text, 7654);
      assert.ok(!result.ok);
      assert.match(result.detail ?? '', /IPv6 address/);
    });
  }
});
