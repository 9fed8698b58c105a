// kith-tap flush: an edge takes the address off its TAP when it disconnects. Only the TAP's owner
// (or root) may, as for every other change kith-tap makes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kithTapSkipReason, kithTapWorld, NOBODY, type KithTapWorld } from './kith-tap-host.js';

const skip = kithTapSkipReason();
/** A second unprivileged user (no passwd entry needed: setpriv takes the number). */
const OTHER = 65533;
const TAP = 'kithflush';

describe('security: kith-tap flush takes the address off only its owner’s TAP', { skip }, () => {
  let world: KithTapWorld;
  const addresses = async (): Promise<string> => (await world.topology.exec(world.ns, 'ip', ['-4', '-o', 'address', 'show', 'dev', TAP])).trim();

  before(async () => {
    world = await kithTapWorld('flush');
    for (const args of [['create', TAP, 'nobody'], ['addr', TAP, '10.61.0.1/24']]) {
      const made = await world.asUser(NOBODY.uid, [world.helper, ...args]);
      assert.equal(made.code, 0, made.stderr);
    }
  });

  after(async () => {
    await world?.destroy();
  });

  it('another user is refused and the address stays; the owner flushes it', async () => {
    const theirs = await world.asUser(OTHER, [world.helper, 'flush', TAP]);
    assert.notEqual(theirs.code, 0);
    assert.match(theirs.stderr, /^kith-tap: /);
    assert.match(await addresses(), /inet 10\.61\.0\.1\/24 /);

    const own = await world.asUser(NOBODY.uid, [world.helper, 'flush', TAP]);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(await addresses(), '');
  });
});
