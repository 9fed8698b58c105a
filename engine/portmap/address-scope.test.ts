import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressScope } from './address-scope.js';

describe('addressScope', () => {
  const cases: [string, ReturnType<typeof addressScope>][] = [
    ['8.8.8.8', 'global'],
    ['192.0.3.2', 'global'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'global'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['100.128.0.1', 'global'],
    ['127.0.0.1', 'non-global'],
    ['169.254.3.4', 'non-global'],
    ['0.0.0.0', 'non-global'],
    ['198.51.100.7', 'non-global'],
    ['198.19.0.1', 'non-global'],
    ['224.0.0.1', 'non-global'],
    ['255.255.255.255', 'non-global'],
    ['::ffff:100.64.1.1', 'shared'],
    ['::ffff:8.8.4.4', 'global'],
    ['2a0b:7a00:1::2', 'global'],
    ['2001:db8::1', 'non-global'],
    ['2002:c000:204::1', 'non-global'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'non-global'],
    ['fe80::1%eth0', 'non-global'],
    ['::1', 'non-global'],
    ['::', 'non-global'],
    ['ff02::1', 'non-global'],
    ['not an address', undefined],
    ['1.2.3.4.5', undefined],
    ['', undefined],
  ];
  for (const [address, scope] of cases) it(`${address || '(empty)'} is ${scope ?? 'no address'}`, () => assert.equal(addressScope(address), scope));
});
