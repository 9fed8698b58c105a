import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserWindow, MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import { encodeInvite } from '../engine/profiles/invite-link.js';
import { createInviteQueue, describeInvite, findInviteLink, isInviteLink } from './deep-links.js';

const LINK = encodeInvite({
  community: 'family',
  key: 'secret-key',
  cipher: 'AES',
  compression: 'none',
  headerEncryption: false,
  supernodes: ['sn.example.net:7777'],
  addressMode: 'auto',
  address: '',
});

describe('invite links', () => {
  it('recognises kith://join links only', () => {
    assert.ok(isInviteLink(LINK));
    assert.ok(!isInviteLink('kith://other?x=1'));
    assert.ok(!isInviteLink('https://join/?c=x'));
    assert.ok(!isInviteLink(`kith://join?${'a'.repeat(5000)}`));
  });

  it('finds the link among a second start’s arguments', () => {
    assert.equal(findInviteLink(['/usr/bin/kith', '--auto-connect', LINK]), LINK);
    assert.equal(findInviteLink(['/usr/bin/kith']), undefined);
  });

  it('describes the network without revealing the key', () => {
    const facts = describeInvite(LINK);
    assert.equal(facts.usable, true);
    assert.equal(facts.message, 'Join the network “family”?');
    assert.match(facts.detail, /sn\.example\.net:7777/);
    assert.doesNotMatch(`${facts.message}${facts.detail}`, /secret-key/);
    assert.equal(describeInvite('kith://join?c=x').usable, false);
  });

  it('shows the address and encryption the invite brings, and makes bidi overrides visible', () => {
    const facts = describeInvite(
      encodeInvite({ community: 'fam\u202Eylimaf', key: 'k', cipher: 'AES', compression: 'none', headerEncryption: false, supernodes: ['sn.example.net'], addressMode: 'static', address: '10.9.8.7/24' }),
    );
    assert.equal(facts.message, 'Join the network “fam[U+202E]ylimaf”?');
    assert.match(facts.detail, /This computer's address: 10\.9\.8\.7\/24, fixed by the invite/);
    assert.match(facts.detail, /Encryption: AES, with the key in the link\./);
    const hostile = describeInvite(encodeInvite({ community: 'x', key: '', cipher: 'null', compression: 'none', headerEncryption: false, supernodes: ['127.0.0.1:7654'], addressMode: 'auto', address: '' }));
    assert.equal(hostile.usable, false);
    assert.match(hostile.detail, /supernode on this computer itself/);
  });
});

describe('createInviteQueue', () => {
  const setup = (response: number) => {
    const imported: string[] = [];
    const notices: string[] = [];
    const asked: MessageBoxOptions[] = [];
    const queue = createInviteQueue({
      showWindow: () => Promise.resolve({} as BrowserWindow),
      dialog: {
        showMessageBox: ((_window: BrowserWindow, options: MessageBoxOptions): Promise<MessageBoxReturnValue> => {
          asked.push(options);
          return Promise.resolve({ response, checkboxChecked: false });
        }) as never,
      },
      importInvite: (link) => {
        imported.push(link);
        return Promise.resolve({ ok: true, profile: 'family' });
      },
      notify: (title) => notices.push(title),
    });
    return { queue, imported, notices, asked };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('imports only after the person confirms, and only once per link', async () => {
    const { queue, imported, notices, asked } = setup(0);
    queue.push(LINK);
    queue.push(LINK);
    await settle();
    assert.deepEqual(imported, [], 'nothing happens before start()');
    queue.start();
    await settle();
    assert.deepEqual(imported, [LINK]);
    assert.equal(asked.length, 1);
    assert.deepEqual(notices, ['Invite accepted']);
  });

  it('does nothing when the person cancels', async () => {
    const { queue, imported } = setup(1);
    queue.start();
    queue.push(LINK);
    await settle();
    assert.deepEqual(imported, []);
  });

  it('warns instead of importing a link that cannot be used', async () => {
    const { queue, imported, asked } = setup(0);
    queue.start();
    queue.push('kith://join?c=only');
    await settle();
    assert.deepEqual(imported, []);
    assert.equal(asked[0]?.type, 'warning');
  });
});
