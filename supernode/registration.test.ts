import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthScheme, NO_AUTH } from '../engine/protocol/index.js';
import { communityField } from '../engine/crypto/dynamic-key.js';
import { NO_SUBNET } from './auto-ip.js';
import { Community } from './community.js';
import { authMatches } from './registration.js';

const community = new Community({ field: communityField('c'), isFederation: false, purgeable: true, headerEncryption: 'none', subnet: NO_SUBNET, users: [] });
const simpleId = (byte: number) => ({ scheme: AuthScheme.SimpleId, token: new Uint8Array(16).fill(byte) });

describe('authMatches (PROTOCOL.md §7.1, §7.2)', () => {
  it('accepts any token for an edge stored with scheme none (spoofing protection off)', () => {
    assert.equal(authMatches(NO_AUTH, simpleId(9), community), true);
  });

  it('requires the identical simple-id token', () => {
    assert.equal(authMatches(simpleId(1), simpleId(1), community), true);
    assert.equal(authMatches(simpleId(1), simpleId(2), community), false);
    assert.equal(authMatches(simpleId(1), NO_AUTH, community), false);
  });

  it('requires a listed user for user/password edges', () => {
    const token = { scheme: AuthScheme.UserPassword, token: new Uint8Array(48) };
    assert.equal(authMatches(token, token, community), false);
  });
});
