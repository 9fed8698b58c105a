import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAnswering, lastHeard, silenceAllowedMs } from './peer-liveness.js';
import { DIRECT_PROBE_INTERVAL_MS, MISSED_PROBES_ALLOWED } from './peer-path.js';
import { RttEstimator } from './rtt.js';

describe('peer liveness', () => {
  it("allows a direct peer n3n's register_interval/2, never fewer than two missed keep-alive probes", () => {
    assert.equal(MISSED_PROBES_ALLOWED, 2);
    assert.equal(silenceAllowedMs('direct', 20_000), 3 * DIRECT_PROBE_INTERVAL_MS);
    assert.equal(silenceAllowedMs('direct', 3_000), 3 * DIRECT_PROBE_INTERVAL_MS);
    assert.equal(silenceAllowedMs('direct', 60_000), 30_000);
    assert.equal(silenceAllowedMs('relayed', 20_000), 20_000);
  });

  it('counts an answer to our probe as hearing the peer, on the path in use', () => {
    const record = { lastSeen: 1_000, directRtt: new RttEstimator(), relayRtt: new RttEstimator() };
    record.directRtt.replyReceived(9_000);
    assert.equal(lastHeard(record, 'direct'), 9_000);
    assert.equal(lastHeard(record, 'relayed'), 1_000);
    assert.equal(isAnswering(9_000, 'direct', 20_000, 9_000 + 12_000), true);
    assert.equal(isAnswering(9_000, 'direct', 20_000, 9_000 + 12_001), false);
  });
});
