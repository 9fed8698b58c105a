import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { qrDataUrl } from './qr.js';

describe('invite QR code', () => {
  it('is an SVG data URL made locally', async () => {
    const url = await qrDataUrl('kith://join?community=family&key=x&sn=sn.example.net:7654');
    assert.ok(url.startsWith('data:image/svg+xml;charset=utf-8,'));
    assert.ok(decodeURIComponent(url).includes('<svg'));
  });
});
