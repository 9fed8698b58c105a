// Issue 14, reaching a home through IPv6 when IPv4 cannot: the helper's home router has its WAN in
// 100.64.0.0/10 behind the provider's carrier-grade NAT (outbound IPv4 works, nothing can be mapped
// in) and native IPv6 behind its stateful firewall, with Debian's miniupnpd opening pinholes (PCP,
// UPnP IGDv2 AddPinhole). The desktop engine there hosts its first network: kith.reachability (the
// Invite screen's line) offers the IPv6 way and says IPv4 cannot reach it; the invite carries the
// supernode's global IPv6 socket and no useless IPv4 one. The parent's home is dual-stack behind an
// ordinary router without mapping: it joins over IPv6 and both list the other as a direct IPv6
// peer. The pinholes are in miniupnpd while the helper runs and gone after it quits.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DesktopEngines, homesSkipReason, vpnAddress } from './desktop-engine.js';
import type { Engine } from './desktop-engine.js';
import { behindCarrierNat, homeRouter, pinholePattern, publicInternet } from './home-router.js';
import type { HomeRouter, PublicInternet } from './home-router.js';
import { observe, RunDir } from './kith.js';
import { Topology } from './topology.js';

const skip = homesSkipReason();

describe('netns: a home behind carrier-grade NAT reached over IPv6', { skip, concurrency: false }, () => {
  let topology: Topology | undefined;
  let runDir: RunDir | undefined;
  let internet: PublicInternet | undefined;
  let engines: DesktopEngines | undefined;
  let helper: { router: HomeRouter; engine: Engine } | undefined;
  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  async function world(): Promise<{ topology: Topology; internet: PublicInternet; engines: DesktopEngines }> {
    topology ??= Topology.create();
    runDir ??= new RunDir(topology);
    engines ??= new DesktopEngines(topology, runDir);
    internet ??= await publicInternet(topology);
    return { topology, internet, engines };
  }

  /** The helper's home (carrier-grade NAT, native IPv6, miniupnpd) and its engine, hosting its first network. */
  async function helperHome(): Promise<{ router: HomeRouter; engine: Engine }> {
    if (helper !== undefined) return helper;
    const w = await world();
    const router = await homeRouter(w.topology, w.internet, 'h6', { upnp: true, natpmp: true, wan: 'cgnat' });
    await behindCarrierNat(w.topology, w.internet, router);
    helper = { router, engine: await w.engines.start('h6', router.host) };
    await w.engines.registered(helper.engine);
    return helper;
  }

  it('carrier-grade NAT with native IPv6: the reachability line offers IPv6, says IPv4 cannot reach it, and the invite carries the IPv6 socket', async () => {
    const { router, engine } = await helperHome();
    const { engines: e } = await world();
    // Outbound IPv4 works through the carrier's NAT; inbound cannot be mapped.
    assert.equal((await topology!.tryExec(router.host.ns, 'ping', ['-n', '-c', '1', '-W', '2', internet!.far.address])).code, 0, 'outbound IPv4 through the carrier-grade NAT');
    const report = await e.reachability(engine);
    assert.equal(report.scope, 'ipv6', JSON.stringify(report));
    assert.equal(report.publicAddress, undefined);
    assert.equal(report.publicAddress6, `[${router.host.address6}]:${report.port}`);
    // miniupnpd refuses to map on a WAN in 100.64.0.0/10 and says it has no usable external address.
    assert.ok(report.problem === 'double-nat' || report.problem === 'cgnat', JSON.stringify(report));
    assert.match(report.message, /^From anywhere with IPv6: your router lets IPv6 in \((PCP|UPnP)\) to port \d+ of this computer\. IPv4 cannot reach it \((carrier-grade NAT|your router has no public IPv4 address)\)\.$/);
    assert.match(report.advice ?? '', /^For homes without IPv6: /);
    assert.match(await router.filterRules(), pinholePattern(router.host.address6, report.port));

    const invite = (await e.rpc(engine, 'kith.invite.create', ['cousin'])) as { link: string } | undefined;
    assert.ok(invite?.link !== undefined, JSON.stringify(invite));
    assert.deepEqual(new URL(invite.link).searchParams.getAll('sn'), [`[${router.host.address6}]:${report.port}`, `${router.host.address}:${report.port}`]);
    observe(`carrier-grade NAT home: ${report.message} ${report.advice ?? ''}`);
  });

  it('the parent in a dual-stack home joins over IPv6: both show the other as Direct over IPv6; the pinholes go when the helper quits', async () => {
    const { router, engine } = await helperHome();
    const { topology: t, internet: i, engines: e } = await world();
    const invite = (await e.rpc(engine, 'kith.invite.create', ['parent'])) as { link: string };
    const helperStatus = await e.registered(engine);

    const parentRouter = await homeRouter(t, i, 'p6', { upnp: false, natpmp: false, noDaemon: true });
    const parent = await e.start('p6', parentRouter.host);
    await e.registered(parent);
    const joinedAt = performance.now();
    const imported = (await e.rpc(parent, 'kith.invite.import', [invite.link])) as { ok: boolean; message?: string } | undefined;
    assert.deepEqual(imported?.ok, true, JSON.stringify(imported));
    const parentStatus = await e.registered(parent, new URL(invite.link).searchParams.get('c') ?? '');
    // The helper's supernode is reachable only through its IPv6 pinhole.
    assert.equal(parentStatus.supernode, `[${router.host.address6}]:${(await e.reachability(engine)).port}`);
    assert.ok(await e.pingOver(parent, vpnAddress(helperStatus)), 'parent → helper over the VPN');
    assert.ok(await e.pingOver(engine, vpnAddress(parentStatus)), 'helper → parent over the VPN');
    const [atParent, atHelper] = await Promise.all([e.directPeer(parent, helperStatus.description), e.directPeer(engine, 'parent')]);
    assert.equal(atParent.family, 'IPv6', JSON.stringify(atParent));
    assert.equal(atHelper.family, 'IPv6', JSON.stringify(atHelper));
    assert.ok(atParent.socket?.startsWith(`[${router.host.address6}]:`), JSON.stringify(atParent));
    assert.ok(atHelper.socket?.startsWith(`[${parentRouter.host.address6}]:`), JSON.stringify(atHelper));
    observe(`carrier-grade NAT home: join to direct over IPv6 both ways in ${Math.round(performance.now() - joinedAt)} ms (rtt ${atParent.rttMs?.toFixed(2)} / ${atHelper.rttMs?.toFixed(2)} ms)`);

    await t.stop(engine.proc.child, 15_000);
    const rules = await router.filterRules();
    assert.doesNotMatch(rules, pinholePattern(router.host.address6), `pinholes left after quit:\n${rules}`);
  });
});
