// wrong-key.ts: undecryptable PACKETs make a key problem only from an address the supernode vouched
// for; those that came before its PEER_INFO count once it arrives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegisterCookie } from '../../protocol/index.js';
import type { EdgeContext } from '../context.js';
import { PeerTable } from '../control/peer-table.js';
import type { PeerRecord } from '../control/peer-table.js';
import { vouch } from '../control/peer-trust.js';
import { noteDecrypted, noteUndecryptable, review, WRONG_CIPHER_REASON, WRONG_KEY_REASON, WRONG_KEY_THRESHOLD } from './wrong-key.js';

const PEER_ADDRESS = '203.0.113.5';
const SPOOFED = '198.51.100.66';

function setup(): { ctx: EdgeContext; record: PeerRecord } {
  const seen = new PeerTable(20_000).sighting({ fromSupernode: true, viaMulticast: false, mac: Uint8Array.from([2, 0, 0, 0, 0, 9]), cookie: RegisterCookie.Forwarded, socket: { family: 'IPv4', address: PEER_ADDRESS, port: 1 }, now: 0 });
  assert.ok(seen.kind !== 'refused');
  const ctx = { keyError: undefined, logger: { error: () => undefined } } as unknown as EdgeContext;
  return { ctx, record: seen.record };
}

function fail(ctx: EdgeContext, record: PeerRecord, address: string, times: number, reason: Parameters<typeof noteUndecryptable>[3] = 'decrypt-failed'): boolean[] {
  return Array.from({ length: times }, () => noteUndecryptable(ctx, record, address, reason));
}

describe('wrong-key detection', () => {
  it('never reports a key problem for a sender the supernode has not vouched for', () => {
    const { ctx, record } = setup();
    const askSupernode = fail(ctx, record, PEER_ADDRESS, 50);
    assert.equal(ctx.keyError, undefined);
    assert.ok(askSupernode.every(Boolean), 'each says the supernode should be asked');
  });

  it('reports it after WRONG_KEY_THRESHOLD in a row from the vouched address', () => {
    const { ctx, record } = setup();
    vouch(record, PEER_ADDRESS);
    fail(ctx, record, PEER_ADDRESS, WRONG_KEY_THRESHOLD - 1);
    assert.equal(ctx.keyError, undefined);
    assert.deepEqual(fail(ctx, record, PEER_ADDRESS, 1), [false]);
    assert.equal(ctx.keyError, WRONG_KEY_REASON);
    noteDecrypted(ctx, record);
    assert.equal(ctx.keyError, undefined, 'a PACKET that decrypts ends it');
    assert.equal(record.keyTrouble, undefined);
  });

  it('counts the PACKETs that came before the PEER_INFO once it vouches for their address', () => {
    const { ctx, record } = setup();
    fail(ctx, record, PEER_ADDRESS, WRONG_KEY_THRESHOLD + 1);
    assert.equal(ctx.keyError, undefined);
    vouch(record, PEER_ADDRESS);
    review(ctx, record);
    assert.equal(ctx.keyError, WRONG_KEY_REASON);
  });

  it('ignores a registered MAC claimed from another address', () => {
    const { ctx, record } = setup();
    vouch(record, PEER_ADDRESS);
    fail(ctx, record, SPOOFED, 50);
    review(ctx, record);
    assert.equal(ctx.keyError, undefined);
    // Interleaved with the real sender, the spoofed ones restart the count each time.
    for (let i = 0; i < 20; i++) {
      fail(ctx, record, PEER_ADDRESS, WRONG_KEY_THRESHOLD - 1);
      fail(ctx, record, SPOOFED, 1);
    }
    assert.equal(ctx.keyError, undefined);
  });

  it('names a cipher mismatch', () => {
    const { ctx, record } = setup();
    vouch(record, PEER_ADDRESS);
    fail(ctx, record, PEER_ADDRESS, WRONG_KEY_THRESHOLD, 'transform-mismatch');
    assert.equal(ctx.keyError, WRONG_CIPHER_REASON);
  });
});
