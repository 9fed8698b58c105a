import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TapError } from '../../../native/tap.js';
import { windowsHost } from './tap-port.js';

describe('windowsHost: TAP-Windows6 gets its address from the driver', () => {
  it('hands the address to the device and leaves MTU and link to the adapter', async () => {
    const calls: [string, number][] = [];
    const host = windowsHost({
      setIpv4: (address, prefix) => {
        calls.push([address, prefix]);
        return { ok: true, value: undefined };
      },
    });
    await host.mtu(1290);
    await host.up();
    await host.address({ address: '10.99.0.5', prefix: 24 });
    assert.deepEqual(calls, [['10.99.0.5', 24]]);
  });

  it('rejects with the device\'s reason when the driver refuses', async () => {
    const refusal: TapError = { kind: 'system', code: 'EIO', message: 'TAP_IOCTL_CONFIG_DHCP_MASQ: i/o error' };
    const host = windowsHost({ setIpv4: () => ({ ok: false, error: refusal }) });
    await assert.rejects(host.address({ address: '10.99.0.5', prefix: 24 }), /TAP_IOCTL_CONFIG_DHCP_MASQ: i\/o error/);
  });
});
