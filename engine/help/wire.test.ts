import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeFrame, encodeFrame, FrameReader, helpKey, MAX_AGE_MS, MAX_FRAME_BYTES, newNonce, ReplayGuard, type HelpMessage } from './wire.js';

const key = helpKey(Buffer.from('network key'), 'kith-home');
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const SESSION = 'ab'.repeat(16);

/** A request unless `body` says otherwise. */
function message(body: Partial<HelpMessage> = { kind: 'request', session: SESSION }): HelpMessage {
  return { from: A, to: B, at: 1_700_000_000_000, nonce: newNonce(), ...body } as HelpMessage;
}

/** One frame's payload: what FrameReader hands the decoder. */
function payloadOf(frame: Buffer): Buffer {
  const frames = new FrameReader().feed(frame);
  assert.ok(frames.ok);
  assert.equal(frames.value.length, 1);
  return frames.value[0]!;
}

describe('help wire: frames and their authentication', () => {
  it('round-trips every message kind', () => {
    const bodies: Partial<HelpMessage>[] = [
      { kind: 'hello', name: 'grandma', version: 'help v1', probe: true },
      { kind: 'request', session: SESSION },
      { kind: 'ask' },
      { kind: 'answer', session: SESSION, answer: 'busy' },
      { kind: 'signal', session: SESSION, signal: { type: 'offer', sdp: 'v=0\r\n' } },
      { kind: 'signal', session: SESSION, signal: { type: 'candidate', candidate: 'candidate:1 1 udp 1 10.99.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
      { kind: 'stop', session: SESSION },
    ];
    for (const body of bodies) {
      const sent = message(body);
      const frame = encodeFrame(key, sent);
      assert.ok(frame !== undefined);
      assert.deepEqual(decodeFrame(key, payloadOf(frame)), { ok: true, value: sent });
    }
  });

  it('refuses a frame with any byte changed, or made with another network key or community', () => {
    const frame = encodeFrame(key, message())!;
    const payload = payloadOf(frame);
    for (const index of [0, 31, 32, 40, payload.length - 1]) {
      const tampered = Buffer.from(payload);
      tampered[index] = tampered[index]! ^ 0x01;
      const decoded = decodeFrame(key, tampered);
      assert.equal(decoded.ok, false);
      assert.equal(!decoded.ok && decoded.error, 'bad-tag');
    }
    for (const other of [helpKey(Buffer.from('other key'), 'kith-home'), helpKey(Buffer.from('network key'), 'kith-work')]) {
      const decoded = decodeFrame(other, payload);
      assert.equal(!decoded.ok && decoded.error, 'bad-tag');
    }
  });

  it('refuses a verified message of the wrong shape', () => {
    const bad = [{ ...message(), from: 'AA:00:00:00:00:0a' }, { ...message(), session: 'short' }, { ...message(), kind: 'shell' }, { ...message(), at: 1.5 }];
    for (const raw of bad) {
      const decoded = decodeFrame(key, payloadOf(encodeFrame(key, raw as HelpMessage)!));
      assert.equal(!decoded.ok && decoded.error, 'bad-shape', JSON.stringify(raw));
    }
    const huge = message({ kind: 'signal', session: SESSION, signal: { type: 'offer', sdp: 'x'.repeat(49 * 1024) } });
    const decoded = decodeFrame(key, payloadOf(encodeFrame(key, huge)!));
    assert.equal(!decoded.ok && decoded.error, 'bad-shape');
  });

  it('never builds a frame above the limit and refuses a length above it', () => {
    assert.equal(encodeFrame(key, message({ kind: 'signal', session: SESSION, signal: { type: 'offer', sdp: 'x'.repeat(MAX_FRAME_BYTES) } })), undefined);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_FRAME_BYTES + 1);
    const read = new FrameReader().feed(head);
    assert.equal(!read.ok && read.error, 'oversized');
    assert.equal(new FrameReader().feed(Buffer.alloc(4)).ok, false, 'a zero length is refused too');
  });

  it('reassembles frames split and joined anywhere', () => {
    const frames = [message(), message({ kind: 'stop', session: SESSION }), message({ kind: 'ask' })].map((m) => encodeFrame(key, m)!);
    const stream = Buffer.concat(frames);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 8 }), (cuts) => {
        const reader = new FrameReader();
        const got: Buffer[] = [];
        let start = 0;
        for (const cut of [...new Set(cuts)].sort((x, y) => x - y).concat(stream.length)) {
          const read = reader.feed(stream.subarray(start, cut));
          assert.ok(read.ok);
          got.push(...read.value);
          start = cut;
        }
        assert.equal(got.length, 3);
      }),
      { numRuns: 200 },
    );
  });
});

describe('help wire: replay window', () => {
  it('accepts a nonce once, refuses stale and future stamps', () => {
    const guard = new ReplayGuard();
    const now = 1_700_000_000_000;
    const nonce = newNonce();
    assert.equal(guard.check(nonce, now, now).ok, true);
    const again = guard.check(nonce, now, now + 1000);
    assert.equal(!again.ok && again.error, 'replayed');
    const stale = guard.check(newNonce(), now - MAX_AGE_MS - 1, now);
    assert.equal(!stale.ok && stale.error, 'stale');
    const future = guard.check(newNonce(), now + MAX_AGE_MS + 1, now);
    assert.equal(!future.ok && future.error, 'stale');
  });

  it('is bounded: past its capacity new nonces wait until old ones leave the window', () => {
    const guard = new ReplayGuard(3);
    const now = 1_700_000_000_000;
    for (let i = 0; i < 3; i++) assert.equal(guard.check(newNonce(), now, now).ok, true);
    const full = guard.check(newNonce(), now, now);
    assert.equal(!full.ok && full.error, 'full');
    // Later, the old stamps are outside the window: their nonces can no longer be replayed, so they are forgotten.
    const later = now + 2 * MAX_AGE_MS + 1;
    assert.equal(guard.check(newNonce(), later, later).ok, true);
  });
});
