import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeInvite, encodeInvite, type InviteContents } from './invite-link.js';

const NOW = 1_800_000_000;
const HOSTED: InviteContents = {
  community: 'sunny-otter-42',
  key: 'k'.repeat(32),
  cipher: 'ChaCha20',
  compression: 'none',
  headerEncryption: true,
  supernodes: ['192.0.3.1:7654', '10.79.1.2:7654'],
  addressMode: 'auto',
  address: '',
  access: { user: 'mum', password: 'p'.repeat(24), expires: NOW + 3600 },
};

describe('invite access (user, password, expiry)', () => {
  it('round-trips through the link', () => {
    const decoded = decodeInvite(encodeInvite(HOSTED), NOW);
    assert.deepEqual(decoded, { ok: true, value: HOSTED });
  });

  it('refuses an expired invite in plain words', () => {
    const decoded = decodeInvite(encodeInvite(HOSTED), NOW + 3600);
    assert.equal(decoded.ok, false);
    assert.equal(decoded.ok ? '' : decoded.error, 'expired');
    assert.match(decoded.ok ? '' : (decoded.detail ?? ''), /^This invite expired on .+; ask for a new one\.$/);
  });

  it('refuses a damaged or partial login', () => {
    const link = encodeInvite(HOSTED);
    for (const broken of [link.replace(/&u=mum/, ''), link.replace('u=mum', 'u=..%2Fetc'), link.replace(/pw=p+/, 'pw=short'), link.replace(/exp=\d+/, 'exp=9'.padEnd(20, '9')), link.replace(/exp=\d+/, 'exp=-1')]) {
      const decoded = decodeInvite(broken, NOW);
      assert.equal(decoded.ok, false, broken);
      assert.equal(decoded.ok ? '' : decoded.error, 'malformed', broken);
    }
  });

  it('never throws on hostile parameters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), fc.string({ maxLength: 20 }), (user, password, expires) => {
        const params = new URLSearchParams({ v: '1', c: 'x', sn: '192.0.3.1:7654', u: user, pw: password, exp: expires });
        const decoded = decodeInvite(`kith://join?${params.toString()}`, NOW);
        assert.ok(decoded.ok === false || decoded.value.access === undefined || decoded.value.access.user === user);
      }),
      { numRuns: 300 },
    );
  });
});
