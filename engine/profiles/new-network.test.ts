import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../config/load.js';
import { checkSettings } from './network-settings.js';
import { newHostedNetwork, readableCommunityName } from './new-network.js';

describe('a network this computer creates', () => {
  it('is encrypted: a random key, ChaCha20 and header encryption, valid as settings', () => {
    const a = newHostedNetwork('desk');
    const b = newHostedNetwork('desk');
    assert.equal(a.cipher, 'ChaCha20');
    assert.equal(a.headerEncryption, true);
    assert.match(a.key, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(a.key, b.key);
    assert.deepEqual(a.supernodes, ['127.0.0.1:7654']);
    assert.ok(checkSettings(defaultConfig('edge'), a).ok);
  });

  it('has a readable community name of at most 19 bytes', () => {
    for (let i = 0; i < 200; i++) {
      const name = readableCommunityName();
      assert.match(name, /^[a-z]+-[a-z]+-\d\d$/);
      assert.ok(Buffer.byteLength(name) <= 19, name);
    }
    // The longest words and the largest number still fit.
    assert.ok(Buffer.byteLength(readableCommunityName((count) => count - 1)) <= 19);
  });
});
