import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeInvite, encodeInvite, inviteSummary, isLoopbackSupernode, visibleText, type InviteContents } from './invite-link.js';

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

/** Invites decoding keeps as they are: supernodes elsewhere, static addresses the TAP may take. */
const contents = fc.record({
  community: fc.string({ minLength: 1 }),
  key: fc.string(),
  cipher: fc.constantFrom('null', 'AES', 'ChaCha20', 'Speck', 'Twofish' as const),
  compression: fc.constantFrom('none', 'lzo', 'zstd' as const),
  headerEncryption: fc.boolean(),
  supernodes: fc.array(
    fc.oneof(
      fc.domain().filter((d) => !isLoopbackSupernode(d)),
      fc.ipV4().filter((a) => !/^(0|127)\./.test(a)).map((a) => `${a}:7654`),
      fc.ipV6().map((a) => `[${a}]:7654`).filter((s) => !isLoopbackSupernode(s)),
    ),
    { minLength: 1, maxLength: 16 },
  ),
  addressMode: fc.constantFrom('auto', 'static', 'dhcp' as const),
  address: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }), fc.integer({ min: 16, max: 24 })).map(([b, h, len]) => `10.${b}.0.${h}/${len}`),
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

  it('takes [IPv6]:port and bare IPv6 supernodes, and says which supernode is neither family, has a zone or a bad port', () => {
    for (const supernode of ['[2a0b:7a00:1::2]:7654', '2a0b:7a00:1::2', '[2a0b:7a00:1::2]', '[::ffff:192.0.3.1]:7654', '[192.0.3.1]:7654']) {
      const decoded = decodeInvite(encodeInvite({ ...home, supernodes: [supernode] }));
      assert.deepEqual(decoded.ok ? decoded.value.supernodes : decoded, [supernode]);
    }
    const refusals: [string, RegExp][] = [
      ['[2a0b::zz]:7654', /^The invite's supernode \[2a0b::zz\]:7654 cannot be used; it must be host\[:port\]: a name, an IPv4 address or an IPv6 address/],
      ['192.0.3.999:7654', /^The invite's supernode 192\.0\.3\.999:7654 is neither an IPv4 nor an IPv6 address\.$/],
      ['fe80::1%eth0', /^The invite's supernode fe80::1%eth0 cannot be used; .*no %zone\.$/],
      ['[2a0b::1]:99999', /^The invite's supernode \[2a0b::1\]:99999 cannot be used/],
    ];
    for (const [supernode, message] of refusals) {
      const decoded = decodeInvite(encodeInvite({ ...home, supernodes: ['sn.example.org:7654', supernode] }));
      assert.equal(decoded.ok ? '' : decoded.error, 'malformed', supernode);
      assert.match(decoded.ok ? '' : (decoded.detail ?? ''), message);
    }
  });

  it('refuses a supernode on this computer, in any spelling (issue 9, item 23)', () => {
    for (const sn of ['127.0.0.1:7654', '127.0.0.1:1', '127.1:7654', '0x7f.0.0.1', '2130706433:7654', '0.0.0.0:7654', 'localhost', 'LocalHost.:7654', 'x.localhost:1', '[::1]:7654', '::1', '[::]:7654', '[::ffff:127.0.0.1]:7654']) {
      const decoded = decodeInvite(encodeInvite({ ...home, supernodes: ['sn.example.org:7654', sn] }));
      assert.equal(decoded.ok, false, sn);
      assert.equal(decoded.ok ? '' : decoded.error, 'unsafe');
      assert.match(decoded.ok ? '' : (decoded.detail ?? ''), /supernode on this computer itself/);
    }
    for (const sn of ['sn.example.org:7654', '10.77.0.10:7654', '[2001:db8::1]:7654', 'localhost.example.org']) assert.equal(isLoopbackSupernode(sn), false, sn);
  });

  it('refuses a static address the TAP may not take (issue 9, item 8)', () => {
    for (const address of ['128.0.0.1/1', '127.0.0.2/8', '10.0.0.1/0', '8.0.0.1/5', '10.0.0.0/24', 'me']) {
      const decoded = decodeInvite(encodeInvite({ ...home, addressMode: 'static', address }));
      assert.equal(decoded.ok, false, address);
      assert.match(decoded.ok ? '' : (decoded.detail ?? ''), /^The invite's address cannot be used: /);
    }
  });

  it('sums up what joining does, hidden characters made visible, never the key', () => {
    const summary = inviteSummary({ ...home, community: 'fam\u202Eily\u200B', addressMode: 'static', address: '10.1.2.3/24' });
    assert.deepEqual(summary, {
      community: 'fam[U+202E]ily[U+200B]',
      supernodes: 'sn.example.org:7654, [2001:db8::1]:7654',
      address: '10.1.2.3/24, fixed by the invite',
      encryption: 'ChaCha20, with the key in the link. Packet headers are encrypted too.',
    });
    assert.equal(inviteSummary({ ...home, key: '', cipher: 'null' }).encryption, 'none: traffic in this network is not encrypted.');
    assert.equal(inviteSummary(home).address, 'one the supernode assigns');
    assert.equal(visibleText('a\u0000b\u2028c\u061Cd'), 'a[U+0000]b[U+2028]c[U+061C]d');
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
