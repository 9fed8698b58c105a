// The TAP address rules against the table kith-tap is tested with too
// (native/test-fixtures/tap-addresses.json; native/kith-tap-addresses.test.ts runs it through the
// built kith-tap), so the two rule sets cannot drift apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { tapAddressTable as table, type TapAddressCase as Case } from '../../native/test-fixtures/tap-addresses.js';
import { checkTapAddress, parseTapAddress, parseTapAllowList, routeOverlap, type Ipv4Prefix, type TapAddressRefusal } from './tap-address-rules.js';

/** The outcome for one address text: parse, then the rule under test. */
function outcome(text: string, rule: (subnet: Ipv4Prefix) => TapAddressRefusal | undefined): TapAddressRefusal | undefined {
  const parsed = parseTapAddress(text);
  return parsed.ok ? rule(parsed.value) : { rule: 'syntax', message: parsed.detail ?? '' };
}

function expectCase(c: Case, got: TapAddressRefusal | undefined): void {
  const label = JSON.stringify(c.address);
  if (c.refused === undefined) {
    assert.equal(got, undefined, `${label} should be allowed: ${got?.message}`);
    return;
  }
  assert.equal(got?.rule, c.refused, `${label}: ${got?.message}`);
  assert.ok(got.message.includes(c.says ?? ''), `${label}: ${got.message} lacks ${c.says}`);
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; detail?: string }): T {
  assert.ok(r.ok, r.ok ? '' : r.detail);
  return r.value;
}

describe('TAP address rules (the shared table)', () => {
  it('allows the private ranges with long enough prefixes and refuses the rest, as kith-tap does', () => {
    for (const c of table.shape) expectCase(c, outcome(c.address, (s) => checkTapAddress(s)));
  });

  it('lets the allow-list add prefixes, never the ranges that are never allowed', () => {
    const list = unwrap(parseTapAllowList(table.allowList.lines.join('\n')));
    for (const c of table.allowList.cases) expectCase(c, outcome(c.address, (s) => checkTapAddress(s, list)));
  });

  it('refuses a whole allow-list for one bad line, naming the line', () => {
    for (const bad of table.badAllowLists) {
      const parsed = parseTapAllowList(`${bad.lines.join('\n')}\n`, '/etc/kith/tap-allow.conf');
      assert.ok(!parsed.ok);
      assert.ok(parsed.detail?.includes(bad.says), parsed.detail);
    }
    assert.ok(!parseTapAllowList('10.0.0.0/8\n'.repeat(1025)).ok);
    assert.ok(!parseTapAllowList(`${' '.repeat(129)}\n`).ok);
    assert.deepEqual(unwrap(parseTapAllowList(`${' '.repeat(128)}\n`)), []);
  });

  it('refuses prefixes overlapping a route through another interface, the default route aside', () => {
    const routes = table.routes.elsewhere.map((r) => ({ destination: unwrapRoute(r.destination), via: r.via }));
    for (const c of table.routes.cases) expectCase(c, outcome(c.address, (s) => checkTapAddress(s) ?? routeOverlap(s, routes)));
  });

  it('never throws, and allows nothing outside 10/8, 172.16/12, 192.168/16 and 100.64/10 without an allow-list', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: -1, max: 40 }), fc.string(), (address, prefix, junk) => {
        parseTapAddress(junk);
        parseTapAllowList(junk);
        const got = checkTapAddress({ address, prefix });
        if (got !== undefined) return;
        const [a = 0, b = 0] = address.split('.').map(Number);
        const privateRange = a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128);
        assert.ok(privateRange && prefix >= (a === 10 ? 8 : 16) && prefix <= 32, `${address}/${prefix} allowed`);
      }),
    );
  });
});

function unwrapRoute(text: string): Ipv4Prefix {
  const [address = '', prefix = ''] = text.split('/');
  return { address, prefix: Number(prefix) };
}
