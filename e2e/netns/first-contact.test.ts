// Issue 12, first contact across two homes, at the engine level: the desktop engine (browser-main,
// real TAP, real UDP) runs in a host behind a home router behind an ISP router; one home router
// runs Debian's miniupnpd, the other maps nothing. The helper's engine hosts its first network and makes an invite; the parent's
// engine imports it through the management API; both list the other as a direct peer with an RTT
// and ping each other over the VPN. The mapping exists in miniupnpd while the helper runs and is
// gone after it quits. Also: each mapping protocol alone, a router without mapping (reachable only
// at home, no public address in the invite), removal of a device while a third stays, expired and
// used invites, symmetric NAT on both sides, files 0600 and no secrets in the logs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DesktopEngines, homesSkipReason, DIRECT_MS, START_MS, vpnAddress } from './desktop-engine.js';
import type { Engine } from './desktop-engine.js';
import { homeRouter, pinholePattern, publicInternet } from './home-router.js';
import type { HomeRouter, HomeRouterOptions, PublicInternet } from './home-router.js';
import { observe, RunDir, waitFor } from './kith.js';
import { Topology } from './topology.js';
import type { Host } from './topology.js';

const skip = homesSkipReason();
/** Samples of the third device's state after the removed one was refused. */
const FRIEND_SAMPLES_AFTER = 12;

interface DeviceView {
  readonly name: string;
  readonly state: string;
  readonly registeredSince?: string;
}

describe('netns: first contact across two homes', { skip, concurrency: false }, () => {
  let topology: Topology | undefined;
  let runDir: RunDir | undefined;
  let internet: PublicInternet | undefined;
  let engines: DesktopEngines | undefined;
  const figures: string[] = [];
  after(async () => {
    if (figures.length > 0) process.stderr.write(`first contact figures: ${figures.join(', ')}\n`);
    await topology?.destroy();
    runDir?.remove();
  });

  async function world(): Promise<{ topology: Topology; runDir: RunDir; internet: PublicInternet }> {
    topology ??= Topology.create();
    runDir ??= new RunDir(topology);
    internet ??= await publicInternet(topology);
    engines ??= new DesktopEngines(topology, runDir);
    return { topology, runDir, internet };
  }

  async function engine(name: string, host: Host): Promise<Engine> {
    await world();
    return engines!.start(name, host);
  }
  const rpc = (target: Engine, method: string, params?: unknown): Promise<unknown> => engines!.rpc(target, method, params);
  const status = (target: Engine) => engines!.status(target);
  const registered = (target: Engine, community?: string) => engines!.registered(target, community);
  const reachability = (target: Engine) => engines!.reachability(target);
  const directPeer = (target: Engine, description: string) => engines!.directPeer(target, description);
  const pingOver = (from: Engine, address: string) => engines!.pingOver(from, address);

  /** Every file in a profiles directory is its owner's alone. */
  function assertPrivateFiles(target: Engine): void {
    for (const file of readdirSync(target.profilesDir)) {
      const mode = statSync(join(target.profilesDir, file)).mode & 0o777;
      assert.equal(mode, 0o600, `${target.name}: ${file} is ${mode.toString(8)}`);
    }
  }

  /** No key or password of any profile (nor an invite's) in an engine's output. */
  function assertNoSecretsLogged(target: Engine, extra: readonly string[]): void {
    const secrets = [...extra];
    for (const file of readdirSync(target.profilesDir).filter((name) => name.endsWith('.conf'))) {
      const text = readFileSync(join(target.profilesDir, file), 'utf8');
      for (const match of text.matchAll(/^(?:key|password) = (.+)$/gm)) secrets.push(match[1] ?? '');
    }
    secrets.push(readFileSync(join(target.profilesDir, '.management-password'), 'utf8').trim());
    const output = target.proc.output();
    for (const secret of secrets.filter((text) => text.length >= 8)) assert.ok(!output.includes(secret), `${target.name} logged a secret`);
  }

  const inviteParams = (link: string): URLSearchParams => new URL(link).searchParams;

  async function home(role: string, options: HomeRouterOptions): Promise<{ router: HomeRouter; engine: Engine }> {
    const { topology: t, internet: i } = await world();
    const router = await homeRouter(t, i, role, { ...options, ispHop: true });
    return { router, engine: await engine(role, router.host) };
  }

  /**
   * The helper's engine (behind `helperRouter`) invites the parent's; returns both and the measured
   * time from the parent's import to both seeing the other as direct.
   */
  async function firstContact(label: string, helperOptions: HomeRouterOptions, parentOptions: HomeRouterOptions): Promise<{ helper: { router: HomeRouter; engine: Engine }; parent: { router: HomeRouter; engine: Engine }; link: string }> {
    const helper = await home(`h${label}`, helperOptions);
    const helperStatus = await registered(helper.engine);
    const report = await reachability(helper.engine);
    assert.equal(report.scope, 'anywhere', JSON.stringify(report));
    assert.equal(report.publicAddress, `${helper.router.wanAddress}:${report.port}`);
    assert.match(report.message, /^From anywhere: your router forwards port \d+ \((UPnP|NAT-PMP|PCP)\)( and lets IPv6 in \((UPnP|PCP)\))? to this computer\.$/);
    // Where miniupnpd opens IPv6 pinholes (PCP or IGDv2), the supernode's global IPv6 socket goes into the invite too.
    const publicAddress6 = report.publicAddress6 === undefined ? [] : [`[${helper.router.host.address6}]:${report.port}`];
    assert.deepEqual(report.publicAddress6 === undefined ? [] : [report.publicAddress6], publicAddress6);
    // miniupnpd holds the supernode's port (and, once the edge registered, the edge's own).
    await waitFor('the mappings in miniupnpd', async () => ((await helper.router.natRules()).includes(`dport ${report.port}`) ? true : undefined), START_MS, 500);

    const invite = (await rpc(helper.engine, 'kith.invite.create', ['parent'])) as { link: string; device: string } | undefined;
    assert.ok(invite?.link !== undefined, JSON.stringify(invite));
    const params = inviteParams(invite.link);
    assert.deepEqual(params.getAll('sn'), [`${helper.router.wanAddress}:${report.port}`, ...publicAddress6, `${helper.router.host.address}:${report.port}`]);
    assert.equal(params.get('u'), 'parent');
    assert.equal(params.get('cipher'), 'ChaCha20');
    assert.equal(params.get('he'), '1');

    const parent = await home(`p${label}`, parentOptions);
    await registered(parent.engine);
    const joinedAt = performance.now();
    const imported = (await rpc(parent.engine, 'kith.invite.import', [invite.link])) as { ok: boolean; message?: string } | undefined;
    assert.deepEqual(imported?.ok, true, JSON.stringify(imported));
    const parentStatus = await registered(parent.engine, params.get('c') ?? '');
    // Peers learn of each other from traffic (n3n's way): the first ping goes through the supernode
    // and starts the punching; both then list the other as direct with an RTT.
    const fromParent = await pingOver(parent.engine, vpnAddress(helperStatus));
    const fromHelper = await pingOver(helper.engine, vpnAddress(parentStatus));
    assert.ok(fromParent && fromHelper, 'ping over the VPN both ways');
    const [atParent, atHelper] = await Promise.all([directPeer(parent.engine, helperStatus.description), directPeer(helper.engine, 'parent')]);
    const ms = Math.round(performance.now() - joinedAt);
    figures.push(`${label}: join→direct ${ms} ms (rtt ${atParent.rttMs?.toFixed(2)} / ${atHelper.rttMs?.toFixed(2)} ms)`);
    observe(`${label}: join to direct both ways in ${ms} ms`);
    return { helper, parent, link: invite.link };
  }

  it('the helper behind miniupnpd (UPnP, NAT-PMP, PCP) invites the parent behind a router without mapping: direct, ping, mapping gone after quit', async () => {
    const { helper, parent, link } = await firstContact('all', { upnp: true, natpmp: true }, { upnp: false, natpmp: false, noDaemon: true });
    assert.match(await helper.router.filterRules(), pinholePattern(helper.router.host.address6), 'the supernode and edge pinholes in miniupnpd');

    // A used invite: a third computer cannot use the parent's link.
    const third = await engine('third', (await homeRouter(topology!, internet!, 'third', { upnp: false, natpmp: false, noDaemon: true, ispHop: true })).host);
    await registered(third);
    assert.deepEqual(((await rpc(third, 'kith.invite.import', [link])) as { ok: boolean }).ok, true);
    const refused = await waitFor('the used invite to be refused', async () => {
      const view = await status(third);
      return view?.state === 'error' && view.reason !== undefined ? view : undefined;
    }, DIRECT_MS, 500);
    assert.match(refused.reason ?? '', /^refused by the network's host: .*invite was used by another device/);

    for (const engine of [helper.engine, parent.engine, third]) {
      assertPrivateFiles(engine);
      assertNoSecretsLogged(engine, [inviteParams(link).get('pw') ?? '', inviteParams(link).get('k') ?? '']);
    }
    await topology!.stop(helper.engine.proc.child, 15_000);
    const rules = await helper.router.natRules();
    assert.doesNotMatch(rules, /dnat/, `mappings left after quit:\n${rules}`);
    const pinholes = await helper.router.filterRules();
    assert.doesNotMatch(pinholes, pinholePattern(helper.router.host.address6), `pinholes left after quit:\n${pinholes}`);
  });

  it('a router without port mapping: reachable only in this home, and the invite has no public address', async () => {
    const lonely = await home('lonely', { upnp: false, natpmp: false, noDaemon: true });
    await registered(lonely.engine);
    const report = await reachability(lonely.engine);
    assert.equal(report.scope, 'this-home');
    assert.equal(report.problem, 'no-mapping-protocol');
    assert.match(report.message, /^Only from this home: your router does not allow port mapping\.$/);
    const invite = (await rpc(lonely.engine, 'kith.invite.create', [])) as { link: string };
    assert.deepEqual(inviteParams(invite.link).getAll('sn'), [`${lonely.router.host.address}:${report.port}`]);
    await topology!.stop(lonely.engine.proc.child, 10_000);
  });

  for (const [label, options] of [
    ['natpmp', { upnp: false, natpmp: true, only5351: 'natpmp' }],
    ['pcp', { upnp: false, natpmp: true, only5351: 'pcp' }],
    ['upnp', { upnp: true, natpmp: false }],
  ] as const) {
    it(`the same with miniupnpd offering only ${label}; disconnecting removes the edge's mapping`, async () => {
      const { helper, parent } = await firstContact(label, options, { upnp: false, natpmp: false, noDaemon: true });
      const report = await reachability(helper.engine);
      const edgePort = report.edgeMapped?.split(':')[1] ?? 'none';
      assert.match(await helper.router.natRules(), new RegExp(`dport ${edgePort}\\b`));
      // The edge's IPv6 pinhole (on the same local port) where the router opens pinholes.
      const edgePinhole = pinholePattern(helper.router.host.address6, Number(edgePort));
      if (report.publicAddress6 !== undefined) await waitFor("the edge's pinhole", async () => (edgePinhole.test(await helper.router.filterRules()) ? true : undefined), START_MS, 500);
      assert.equal(await rpc(helper.engine, 'kith.disconnect'), 'stopped');
      await waitFor("the edge's mapping to go", async () => (new RegExp(`dport ${edgePort}\\b`).test(await helper.router.natRules()) ? undefined : true), START_MS, 500);
      await waitFor("the edge's pinhole to go", async () => (edgePinhole.test(await helper.router.filterRules()) ? undefined : true), START_MS, 500);
      // The supernode still runs here, so its port stays mapped.
      assert.match(await helper.router.natRules(), new RegExp(`dport ${report.port}\\b`));
      await Promise.all([topology!.stop(helper.engine.proc.child, 15_000), topology!.stop(parent.engine.proc.child, 10_000)]);
      assert.doesNotMatch(await helper.router.natRules(), /dnat/);
    });
  }

  it('both homes behind symmetric NAT, one router with miniupnpd: direct', async () => {
    const { helper, parent } = await firstContact('sym', { upnp: true, natpmp: true, symmetric: true }, { upnp: false, natpmp: false, noDaemon: true, symmetric: true });
    await Promise.all([topology!.stop(helper.engine.proc.child, 15_000), topology!.stop(parent.engine.proc.child, 10_000)]);
  });

  it('removing a device: it can no longer register within 30 s while a third device stays connected', async () => {
    const { helper, parent } = await firstContact('rm', { upnp: true, natpmp: true }, { upnp: false, natpmp: false, noDaemon: true });
    const helperStatus = await registered(helper.engine);
    const friendHome = await home('friend', { upnp: false, natpmp: false, noDaemon: true });
    await registered(friendHome.engine);
    const invite = (await rpc(helper.engine, 'kith.invite.create', ['friend'])) as { link: string };
    assert.equal(((await rpc(friendHome.engine, 'kith.invite.import', [invite.link])) as { ok: boolean }).ok, true);
    const friendStatus = await registered(friendHome.engine, inviteParams(invite.link).get('c') ?? '');
    assert.ok(await pingOver(friendHome.engine, vpnAddress(helperStatus)));
    assert.ok(await pingOver(helper.engine, vpnAddress(friendStatus)));
    await directPeer(friendHome.engine, helperStatus.description);

    // The friend throughout: its own state, and its registration at the helper's supernode (the
    // record's creation time: a registration dropped and made again shows as a later one).
    const friendAtHost = async (): Promise<string | undefined> => ((await rpc(helper.engine, 'kith.devices')) as DeviceView[] | undefined)?.find((device) => device.name === 'friend')?.registeredSince;
    const steady = `registered, at the host since ${await waitFor('the friend to show as registered at the host', friendAtHost, START_MS, 250)}`;
    const samples: string[] = [];
    const sampleFriend = async (): Promise<void> => {
      const [view, since] = await Promise.all([status(friendHome.engine), friendAtHost()]);
      samples.push(`${view?.state ?? 'no answer'}, at the host since ${since ?? 'never'}`);
    };

    const removedAt = performance.now();
    assert.deepEqual(await rpc(helper.engine, 'kith.devices.remove', ['parent']), { removed: 'parent' });
    const refused = await waitFor('the removed device to be refused', async () => {
      await sampleFriend();
      const view = await status(parent.engine);
      return view?.state === 'error' ? view : undefined;
    }, 30_000, 250);
    assert.match(refused.reason ?? '', /^refused by the network's host: this device was removed/);
    figures.push(`removal→refused ${Math.round(performance.now() - removedAt)} ms`);
    // A few seconds more: the friend answers the supernode's RE_REGISTER_SUPER (new key time) in them.
    for (let i = 0; i < FRIEND_SAMPLES_AFTER; i++) {
      await sampleFriend();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.deepEqual(samples.filter((sample) => sample !== steady), [], `expected "${steady}" throughout; samples: ${samples.join('; ')}`);
    // The friend still reaches the helper.
    assert.ok(await pingOver(friendHome.engine, vpnAddress(helperStatus)));
    const devices = (await rpc(helper.engine, 'kith.devices')) as DeviceView[];
    assert.deepEqual(devices.map((device) => [device.name, device.state]), [['friend', 'joined']]);
  });

  it('an expired invite is refused with a plain message', async () => {
    const { topology: t, internet: i } = await world();
    const late = await engine('late', (await homeRouter(t, i, 'late', { upnp: false, natpmp: false, noDaemon: true, ispHop: true })).host);
    await registered(late);
    const link = `kith://join?v=1&c=sunny-otter-42&k=${'k'.repeat(32)}&cipher=ChaCha20&comp=none&he=1&sn=192.0.3.1%3A7654&addr=auto&u=late&pw=${'p'.repeat(24)}&exp=${Math.floor(Date.now() / 1000) - 60}`;
    const result = (await rpc(late, 'kith.invite.import', [link])) as { ok: boolean; message: string };
    assert.equal(result.ok, false);
    assert.match(result.message, /^This invite expired on .+; ask for a new one\.$/);
  });
});
