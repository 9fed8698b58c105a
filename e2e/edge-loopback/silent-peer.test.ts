// A peer that goes away without a word (its process stopped): the edge that knew it shows it as not
// answering once its path's allowance of silence is spent, and removes it within the purge bound
// (engine/edge/control/peer-liveness.ts). Two edges and a real supernode over loopback; the watching
// edge's clock is a manual one, so a minute and a half passes in a few seconds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../engine/clock.js';
import { SILENT_PEER_REMOVED_WITHIN_MS, silenceAllowedMs } from '../../engine/edge/control/peer-liveness.js';
import type { PeerView } from '../../engine/edge/api/views.js';
import { edgeConfig, exchange, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';

const MAC_A = '02:78:00:00:00:01';
const MAC_B = '02:78:00:00:00:02';
/** Real time for the watching edge's 200 ms tick to run, and a supernode's answer to arrive, after each step. */
const SETTLE_MS = 300;
const STEP_MS = 5_000;

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

describe('edge loopback: a peer that stops answering', () => {
  it('is shown as not answering after the silence its path allows, then removed within the purge bound', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    const clock = new ManualClock(Date.now());
    try {
      sn = await startSupernode();
      a = await startEdge(edgeConfig('silent', sn.port, '127.0.0.2'), MAC_A);
      b = await startEdge(edgeConfig('silent', sn.port, '127.0.0.3'), MAC_B, { clock });
      await waitFor(() => a!.edge.status().state === 'registered' && b!.edge.status().state === 'registered', 'both registered');
      await exchange(a, b, 'hello');
      const seenByB = (): PeerView | undefined => b!.edge.peers().find((peer) => peer.mac === MAC_A);
      await waitFor(() => seenByB()?.path === 'direct', 'a direct path from B to A');
      assert.equal(seenByB()?.answering, true);
      const removals: string[] = [];
      b.edge.events.on('peer-removed', ({ mac, reason }) => removals.push(`${mac} ${reason}`));
      // While A runs, its answers keep it answering however long B watches.
      for (let watched = 0; watched < 2 * silenceAllowedMs('direct', b.edge.settings.registerIntervalMs); watched += STEP_MS) {
        clock.advance(STEP_MS);
        await settle();
        assert.equal(seenByB()?.answering, true, `answering while alive, ${watched + STEP_MS} ms on`);
      }
      const lastSeen = seenByB()?.lastSeen ?? 0;

      await a.edge.stop();
      // Everything B heard from A happened by now (B's clock stood still until here).
      const stoppedAt = clock.nowMs();
      const allowance = silenceAllowedMs('direct', b.edge.settings.registerIntervalMs);
      // B keeps probing (every 4 s) and nothing answers: still within the allowance, then past it.
      while (clock.nowMs() + STEP_MS <= stoppedAt + allowance) {
        clock.advance(STEP_MS);
        await settle();
        assert.equal(seenByB()?.answering, true, `answering ${clock.nowMs() - stoppedAt} ms after A stopped`);
      }
      clock.advance(stoppedAt + allowance + 1 - clock.nowMs());
      assert.deepEqual({ path: seenByB()?.path, answering: seenByB()?.answering, lastSeen: seenByB()?.lastSeen }, { path: 'direct', answering: false, lastSeen });

      // The purge removes it; the steps are short enough that B's re-registrations are answered
      // between them (§8.7.4 keeps known peers while a registration waits for its ACK).
      while (seenByB() !== undefined && clock.nowMs() - stoppedAt < SILENT_PEER_REMOVED_WITHIN_MS) {
        clock.advance(STEP_MS);
        await settle();
      }
      assert.equal(seenByB(), undefined, `still listed ${clock.nowMs() - stoppedAt} ms after A stopped`);
      assert.deepEqual(removals, [`${MAC_A} purged`]);
    } finally {
      await stopAll([a, b], sn);
    }
  });
});
