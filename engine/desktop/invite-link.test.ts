import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeInvite, encodeInvite, type InviteContents } from './invite-link.js';

const home: InviteContents = {
  community: 'kith-home',
  key: 's3cret & more=/?#',
  cipher: 'ChaCha20',
  compression: 'lzo',
  headerEncryption: true,
  supernodes: ['sn.example.org:7654', '[2001:db8::1]:7654'],
  addressMode: 'auto',
  address: '',
};

const contents = fc.record({
  community: fc.string({ minLength: 1 }),
  key: fc.string(),
  cipher: fc.constantFrom('null', 'AES', 'ChaCha20', 'Speck', 'Twofish' as const),
  compression: fc.constantFrom('none', 'lzo', 'zstd' as const),
  headerEncryption: fc.boolean(),
  supernodes: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 16 }),
  addressMode: fc.constantFrom('auto', 'static', 'dhcp' as const),
  address: fc.string(),
});

describe('invite links', () => {
  it('round-trips every field, repeated supernodes in order', () => {
    const link = encodeInvite(home);
    assert.match(link, /^kith:\/\/join\?v=1&c=kith-home&/);
    assert.deepEqual(decodeInvite(link), { ok: true, value: home });
  });

  it('carries the static address only in static mode', () => {
    const fixed = { ...home, addressMode: 'static' as const, address: '10.1.2.3/24' };
    assert.deepEqual(decodeInvite(encodeInvite(fixed)), { ok: true, value: fixed });
    assert.doesNotMatch(encodeInvite({ ...home, address: '10.1.2.3/24' }), /ip=/);
  });

  it('round-trips arbitrary contents', () => {
    fc.assert(
      fc.property(contents, (invite) => {
        const expected = { ...invite, address: invite.addressMode === 'static' ? invite.address : '' };
        assert.deepEqual(decodeInvite(encodeInvite(invite)), { ok: true, value: expected });
      }),
    );
  });

  it('never throws on arbitrary text, and explains refusals in words', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((tail) => `kith://join?${tail}`), fc.webUrl()), (text) => {
        const decoded = decodeInvite(text);
        if (!decoded.ok) assert.ok((decoded.detail ?? '').length > 10);
      }),
    );
  });

  it('refuses links that are not invites, incomplete or from a newer version', () => {
    assert.equal(decodeInvite('https://example.org/join?v=1').ok, false);
    assert.equal(decodeInvite('kith://leave?v=1&c=a&sn=b').ok, false);
    assert.deepEqual(decodeInvite('kith://join?v=1&sn=a:1'), { ok: false, error: 'malformed', detail: 'The invite link is incomplete: it names no community.' });
    assert.equal(decodeInvite('kith://join?v=1&c=a').ok, false);
    assert.deepEqual(decodeInvite('kith://join?v=2&c=a&sn=b'), { ok: false, error: 'newer-version', detail: 'This invite was made by a newer version of Kith; update Kith to join.' });
    assert.equal(decodeInvite('kith://join?v=1&c=a&sn=b&cipher=rot13').ok, false);
    assert.equal(decodeInvite(`kith://join?v=1&c=a&sn=${'x'.repeat(5000)}`).ok, false);
  });
});
