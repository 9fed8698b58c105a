// Issue 9, item 1 (High): kith-tap let any local user route the host's traffic into their own TAP.
// As `nobody`, with the copy of kith-tap the packages install (cap_net_admin=ep), in a namespace
// with a LAN and a default route: each hijack below must be refused with one line naming what is
// allowed (exit 3) and leave every route as it was, through the command and through the agent
// (`kith-tap serve`); the desktop's own flow (its kith<uid> TAP, a 10.x/24) must still work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kithTapSkipReason, kithTapWorld, NOBODY, type KithTapWorld } from './kith-tap-host.js';

const skip = kithTapSkipReason();

/** The hijacks: prefixes that would take the host's traffic, or its LAN's, away from it. */
const HIJACKS = [
  '8.0.0.1/5',
  '0.0.0.1/1',
  '128.0.0.1/1',
  '10.0.0.1/7',
  '192.168.0.1/15',
  '192.168.50.7/24', // the namespace's own LAN
  '192.168.0.1/16', // broader than the LAN
  '127.0.0.2/8',
  '169.254.1.1/16',
  '224.0.0.1/4',
];
/** Where the host's traffic goes; none of it may move. */
const DESTINATIONS = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '128.0.0.1', '200.1.2.3', '192.168.50.7', '10.0.0.5', '11.1.1.1'];
const REFUSAL = /^kith-tap: [^\n]*(allowed: inside 10\.0\.0\.0\/8 \(\/8 or longer\), 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10 \(\/16 or longer\) or \/etc\/kith\/tap-allow\.conf|overlaps the route to 192\.168\.50\.0\/24 via lan0; use a prefix no other interface routes)\n$/;
const AGENT_REFUSAL = new RegExp(`^error ${REFUSAL.source.slice('^kith-tap: '.length, -'\\n$'.length)}\\n$`);

describe('security: kith-tap gives no user the host’s traffic (issue 9, item 1)', { skip }, () => {
  let world: KithTapWorld;

  /** Where each destination is routed now (ip route get), and the whole table. */
  const routing = async (): Promise<string> => {
    const gets = await Promise.all(DESTINATIONS.map((d) => world.topology.tryExec(world.ns, 'ip', ['-4', '-o', 'route', 'get', d])));
    const table = await world.topology.exec(world.ns, 'ip', ['-4', 'route', 'show', 'table', 'all']);
    return [...gets.map((g) => g.stdout.replace(/\s+uid \d+.*$/s, '')), table].join('\n');
  };
  const inNs = (args: string[]): Promise<string> => world.topology.exec(world.ns, args[0]!, args.slice(1));
  const asNobody = (args: string[]) => world.asUser(NOBODY.uid, args);

  before(async () => {
    world = await kithTapWorld('hijack');
    await inNs(['ip', 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lan1']);
    await inNs(['ip', 'address', 'add', '192.168.50.1/24', 'dev', 'lan0']);
    for (const link of ['lan0', 'lan1']) await inNs(['ip', 'link', 'set', link, 'up']);
    await inNs(['ip', 'route', 'add', 'default', 'via', '192.168.50.254']);
  });

  after(async () => {
    await world?.destroy();
  });

  it('the command refuses every hijack with one line naming what is allowed, and no route moves', async () => {
    for (const args of [['create', 'kithw3', 'nobody'], ['up', 'kithw3']]) {
      const r = await asNobody([world.helper, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const before = await routing();
    for (const prefix of HIJACKS) {
      const r = await asNobody([world.helper, 'addr', 'kithw3', prefix]);
      assert.equal(r.code, 3, `${prefix}: ${r.stderr}`);
      assert.match(r.stderr, REFUSAL, prefix);
    }
    assert.equal(await routing(), before);
    assert.doesNotMatch(await inNs(['ip', '-4', 'address', 'show', 'dev', 'kithw3']), /inet /);
  });

  it('a user’s prefix may overlap their own VPN’s, never another user’s', async () => {
    const other = 65533;
    for (const args of [['create', 'kithother', String(other)], ['up', 'kithother'], ['addr', 'kithother', '10.70.0.1/24']]) {
      const r = await world.asUser(other, [world.helper, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    for (const args of [['create', 'kithmine', 'nobody'], ['up', 'kithmine'], ['addr', 'kithmine', '10.71.0.1/24']]) {
      const r = await asNobody([world.helper, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const before = await routing();
    const theirs = await asNobody([world.helper, 'addr', 'kithw3', '10.70.0.129/25']);
    assert.equal(theirs.code, 3, theirs.stderr);
    assert.equal(theirs.stderr, 'kith-tap: 10.70.0.129/25 overlaps the route to 10.70.0.0/24 via kithother; use a prefix no other interface routes\n');
    assert.equal(await routing(), before);
    const mine = await asNobody([world.helper, 'addr', 'kithw3', '10.71.0.129/25']);
    assert.equal(mine.code, 0, mine.stderr);
    for (const tap of ['kithw3', 'kithmine', 'kithother']) await world.asUser(0, [world.helper, 'delete', tap]);
  });

  it('the agent refuses the same hijacks to its clients, and no route moves', async () => {
    const ask = (line: string): Promise<string> => world.askAgent(NOBODY.uid, line);
    assert.match(await ask('open kithw4'), /^ok kithw4\n$/);
    assert.equal(await ask('up kithw4'), 'ok\n');
    const before = await routing();
    for (const prefix of HIJACKS) assert.match(await ask(`addr kithw4 ${prefix}`), AGENT_REFUSAL, prefix);
    assert.equal(await routing(), before);
    assert.equal(world.agent.exitCode, null, 'the agent is still serving');
  });

  it('the desktop’s flow still works: a 10.x/24 on the user’s own kith<uid> TAP, the rest of the table untouched', async () => {
    const tap = `kith${NOBODY.uid}`;
    const routeGet = async (to: string): Promise<string> => (await inNs(['ip', '-4', '-o', 'route', 'get', to])).replace(/\s+uid \d+.*$/s, '');
    const defaultRoute = await routeGet('8.8.8.8');
    for (const args of [['create', tap, 'nobody'], ['mtu', tap, '1400'], ['addr', tap, '10.66.0.1/24'], ['up', tap]]) {
      const r = await asNobody([world.helper, ...args]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.match(await routeGet('10.66.0.9'), new RegExp(`dev ${tap} `));
    assert.equal(await routeGet('8.8.8.8'), defaultRoute);
    // Through the agent, as the desktop on macOS (or with kith-tapd on Linux) does it.
    assert.equal(await world.askAgent(NOBODY.uid, 'addr kithw4 10.67.0.1/24'), 'ok\n');
    assert.match(await routeGet('10.67.0.9'), /dev kithw4 /);
  });
});
