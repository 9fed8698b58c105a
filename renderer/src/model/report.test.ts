import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport, scrub } from './report.js';
import { peer, SECRET_KEY, SETTINGS, STATUS, SUPERNODE } from './fixtures.test-support.js';

describe('diagnostic report', () => {
  const input = {
    now: Date.UTC(2025, 0, 2, 3, 4, 5),
    appVersion: '0.1.0',
    userAgent: 'test',
    status: STATUS,
    peers: [peer(), peer({ mac: '02:00:00:00:00:02', path: 'relayed', via: 'sn1', description: 'mum' })],
    supernodes: [SUPERNODE],
    settings: SETTINGS,
    log: [
      { time: 0, level: 'info' as const, text: 'registered with supernode' },
      { time: 1, level: 'debug' as const, text: `loaded community family with key ${SECRET_KEY}` },
      { time: 2, level: 'debug' as const, text: 'management password=n3n-secret ok' },
    ],
  };

  it('has status, peers, supernodes, versions and the log', () => {
    const report = buildReport(input);
    for (const expected of ['State: Connected', 'Community: family', 'Engine: 0.1.0', 'Direct', 'Relayed via sn1', 'sn.example.net:7654', '3.4.5', 'registered with supernode', 'A key is set (left out of this report)']) {
      assert.ok(report.includes(expected), expected);
    }
  });

  it('never contains the key, even when a log line quotes it', () => {
    const report = buildReport(input);
    assert.ok(!report.includes(SECRET_KEY));
    assert.ok(!report.includes('n3n-secret'));
    assert.ok(report.includes('[hidden]'));
  });

  it('leaves out the community name when header encryption makes it the header key', () => {
    const encrypted = { ...input, settings: { ...SETTINGS, settings: { ...SETTINGS.settings, headerEncryption: true } } };
    const report = buildReport(encrypted);
    assert.ok(!report.includes(STATUS.community), report);
    assert.ok(report.includes('header encryption: on'));
    assert.ok(!buildReport({ ...input, settings: undefined }).includes(STATUS.community));
  });

  it('scrubs key=… and password: … forms', () => {
    assert.equal(scrub('key=abc password: "x y" token=zzz', []), 'key=[hidden] password: [hidden] token=[hidden]');
  });
});
