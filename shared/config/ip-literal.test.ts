import assert from 'node:assert/strict';
import { isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isIPv4, isIPv6 } from './ip-literal.js';

// Strings from the characters that matter, shaped like addresses often enough to reach every branch.
const piece = fc.constantFrom('', '0', '1', 'ff', 'FFFF', '12345', 'g', '01', '255', '256', '1.2.3.4', '::', ':', '.', '%', 'eth0', ' ');
const candidate = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
const joined = fc.array(fc.constantFrom('0', 'a', 'ffff', '1.2.3.4', '', '10'), { minLength: 1, maxLength: 10 }).map((groups) => groups.join(':'));

describe('IP literals', () => {
  it('agree with node:net on address-shaped strings', () => {
    fc.assert(
      fc.property(fc.oneof(candidate, joined, fc.string({ maxLength: 40 })), (text) => {
        assert.equal(isIPv4(text), nodeIsIPv4(text), `isIPv4(${JSON.stringify(text)})`);
        assert.equal(isIPv6(text), nodeIsIPv6(text), `isIPv6(${JSON.stringify(text)})`);
      }),
      { numRuns: 20_000 },
    );
  });

  it('agree with node:net on the cases people write', () => {
    const cases = ['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8::', '::ffff:1.2.3.4', '1.2.3.4::', '64:ff9b::1.2.3.4', 'fe80::1%eth0', 'fe80::1%', 'fe80::1%a%b', ':1::', '1:::2', '127.0.0.1', '127.1', '01.2.3.4', '1.2.3.4:5'];
    for (const text of cases) {
      assert.equal(isIPv4(text), nodeIsIPv4(text), text);
      assert.equal(isIPv6(text), nodeIsIPv6(text), text);
    }
  });
});
