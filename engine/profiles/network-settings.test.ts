import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../config/load.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { defaultSettings } from '../../shared/config/settings-form.js';
import { checkSettings, configWith, iniOptionsOf, settingsOf } from './network-settings.js';

function baseConfig(change?: (config: KithConfig) => void): KithConfig {
  const config = defaultConfig('edge');
  config.community.name = 'home';
  config.community.supernode = [{ host: '127.0.0.1', port: 7654 }];
  change?.(config);
  return config;
}

const optionsOf = (result: ReturnType<typeof checkSettings>): (string | undefined)[] => (result.ok ? [] : result.errors.map((error) => error.option));
const messageOf = (result: ReturnType<typeof checkSettings>): string => (result.ok ? '' : (result.errors[0]?.message ?? ''));

describe('network settings', () => {
  it('reads the form fields out of a config', () => {
    assert.deepEqual(settingsOf(baseConfig()), { ...defaultSettings(), community: 'home', supernodes: ['127.0.0.1:7654'] });
    const defaults = defaultSettings();
    assert.deepEqual([defaults.key, defaults.cipher, defaults.compression, defaults.headerEncryption, defaults.addressMode, defaults.address], ['', 'null', 'none', false, 'auto', '']);
    // A fixed address reads as empty unless that mode is chosen.
    assert.equal(settingsOf(baseConfig((c) => (c.tuntap.address = { address: '10.0.0.9', prefix: 24 }))).address, '');
    assert.equal(settingsOf(baseConfig((c) => ((c.tuntap.address = { address: '10.0.0.9', prefix: 24 }), (c.tuntap.address_mode = 'static')))).address, '10.0.0.9/24');
  });

  it('writes the form options in the schema\'s own text, leaving empty ones out', () => {
    const checked = checkSettings(baseConfig(), { key: 'k', cipher: 'AES', supernodes: ['2001:db8::1', 'sn.example.org'] });
    assert.ok(checked.ok);
    const written = Object.fromEntries(iniOptionsOf(checked.settings).map(({ section, option, values }) => [`${section}.${option}`, values]));
    assert.deepEqual(written['community.supernode'], ['[2001:db8::1]:7654', 'sn.example.org:7654']);
    assert.deepEqual(written['community.key'], ['k']);
    assert.deepEqual(written['community.header_encryption'], ['false']);
    // Empty and out-of-use fields leave their option out of the file.
    assert.deepEqual(written['connection.description'], []);
    assert.deepEqual(written['tuntap.address'], []);
  });

  it('applies a valid change and leaves the rest of the config alone', () => {
    const config = baseConfig((c) => (c.management.port = 5645));
    const checked = checkSettings(config, { key: 'k', cipher: 'AES', supernodes: ['sn.example.org'], addressMode: 'static', address: '10.0.0.2/24' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.settings.supernodes, ['sn.example.org']);
    const next = configWith(config, checked.settings);
    assert.deepEqual(next.community.supernode, [{ host: 'sn.example.org', port: 7654 }]);
    assert.deepEqual(next.tuntap.address, { address: '10.0.0.2', prefix: 24 });
    assert.equal(next.management.port, 5645);
    assert.equal(config.community.key, undefined);
  });

  it('names what is allowed, per field', () => {
    assert.match(messageOf(checkSettings(baseConfig(), { community: 'x'.repeat(20) })), /at most 19 bytes/);
    assert.deepEqual(optionsOf(checkSettings(baseConfig(), { community: '' })), ['community.name']);
    assert.match(messageOf(checkSettings(baseConfig(), { supernodes: ['bad host:1'] })), /host\[:port\].*"bad host:1"/);
    assert.deepEqual(optionsOf(checkSettings(baseConfig(), { supernodes: [] })), ['community.supernode']);
    assert.match(messageOf(checkSettings(baseConfig(), { addressMode: 'static', address: '10.0.0.1' })), /a\.b\.c\.d\/len/);
    assert.deepEqual(optionsOf(checkSettings(baseConfig(), { addressMode: 'static', address: '10.0.0.1/33' })), ['tuntap.address']);
    // The TAP address rules (tap-address-rules.ts): nothing that would take the host's traffic.
    for (const address of ['128.0.0.1/1', '127.0.0.2/8', '8.0.0.1/5', '10.0.0.0/24']) {
      const checked = checkSettings(baseConfig(), { addressMode: 'static', address });
      assert.deepEqual(optionsOf(checked), ['tuntap.address'], address);
      assert.match(messageOf(checked), new RegExp(`^Fixed address ${address.replace(/\./g, '\\.')} (overlaps|is not a private prefix|is the network)`));
    }
    assert.match(messageOf(checkSettings(baseConfig(), { cipher: 'rot13' as 'AES', key: 'k' })), /one of null, AES, ChaCha20, Speck, Twofish/);
    assert.deepEqual(optionsOf(checkSettings(baseConfig(), { key: 'k' })), ['community.cipher']);
    assert.deepEqual(optionsOf(checkSettings(baseConfig(), { cipher: 'AES' })), ['community.key']);
    assert.match(messageOf(checkSettings(baseConfig(), { key: 'a#b', cipher: 'AES' })), /cannot contain #/);
    assert.match(messageOf(checkSettings(baseConfig(), { description: 'a-very-long-computer-name' })), /at most 15 bytes/);
  });

  it('uses the edge start-up rules for combinations, e.g. user/password login', () => {
    const config = baseConfig((c) => {
      c.auth.password = 'pw';
      c.connection.description = 'me';
    });
    const checked = checkSettings(config, { key: 'k', cipher: 'AES' });
    assert.deepEqual(optionsOf(checked), ['community.cipher']);
    assert.match(messageOf(checked), /ChaCha20 or Speck/);
    assert.ok(checkSettings(config, { key: 'k', cipher: 'Speck' }).ok);
  });
});
