// Configuration validation at construction (CONFIG.md §6, PROTOCOL.md §7.3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../config/load.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { edgeSettings } from './settings.js';

function config(change: (c: KithConfig) => void): KithConfig {
  const c = defaultConfig('edge');
  c.community.name = 'net';
  c.community.supernode = [{ host: 'sn.example.org', port: 7654 }];
  change(c);
  return c;
}

function refusal(change: (c: KithConfig) => void): string {
  const result = edgeSettings(config(change));
  assert.equal(result.ok, false);
  return result.ok ? '' : (result.detail ?? '');
}

describe('edge settings', () => {
  it('accepts the defaults and applies n3n rules', () => {
    const result = edgeSettings(config((c) => (c.community.key = 'secret')));
    assert.ok(result.ok);
    assert.equal(result.value.cipher, 'AES', 'a key without a cipher selects AES');
    assert.equal(result.value.registerIntervalMs, 20_000);
    assert.equal(result.value.headerEncryption, false);
  });

  it('refuses a static address the TAP may not take (tap-address-rules.ts), naming the option', () => {
    const staticAt = (address: string, prefix: number) => (c: KithConfig) => {
      c.tuntap.address_mode = 'static';
      c.tuntap.address = { address, prefix };
    };
    assert.match(refusal(staticAt('128.0.0.1', 1)), /^tuntap\.address: 128\.0\.0\.1\/1 overlaps link-local 169\.254\.0\.0\/16; allowed: inside 10\.0\.0\.0\/8/);
    assert.match(refusal(staticAt('127.0.0.2', 8)), /^tuntap\.address: .*loopback/);
    assert.match(refusal(staticAt('10.0.0.1', 0)), /^tuntap\.address: .*this-network/);
    assert.ok(edgeSettings(config(staticAt('10.200.175.20', 24))).ok);
    // In auto mode tuntap.address only asks for a prefix length.
    assert.ok(edgeSettings(config((c) => (c.tuntap.address = { address: '0.0.0.0', prefix: 24 }))).ok);
  });

  it('refuses incomplete or contradictory settings with a clear message', () => {
    assert.match(refusal((c) => (c.community.name = undefined)), /community\.name/);
    assert.match(refusal((c) => (c.community.supernode = [])), /community\.supernode/);
    assert.match(refusal((c) => (c.community.cipher = 'ChaCha20')), /requires community\.key/);
    assert.match(
      refusal((c) => {
        c.auth.password = 'pw';
        c.connection.description = 'user';
        c.community.cipher = 'AES';
        c.community.key = 'k';
      }),
      /requires community\.cipher=ChaCha20 or Speck/,
    );
    assert.match(refusal((c) => (c.auth.password = 'pw')), /ChaCha20 or Speck/);
  });

  it('turns header encryption on for user/password and turns P2P off in TCP mode', () => {
    const result = edgeSettings(
      config((c) => {
        c.auth.password = 'pw';
        c.connection.description = 'user';
        c.community.cipher = 'Speck';
        c.community.key = 'k';
        c.connection.connect_tcp = true;
      }),
    );
    assert.ok(result.ok);
    assert.equal(result.value.headerEncryption, true);
    assert.equal(result.value.allowP2p, false);
    assert.equal(result.value.userPassword?.username, 'user');
  });
});
