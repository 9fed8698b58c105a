// The port mapper (engine/portmap) against Debian's real miniupnpd in a home router namespace: each
// protocol alone and all together, a router without any, a router behind carrier-grade NAT, renewal
// of short leases, removal on close, a datagram from the Internet through the mapping, and IPv6
// pinholes through the router's stateful firewall.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { homeRouter, publicInternet } from './home-router.js';
import type { HomeRouter, HomeRouterOptions, PublicInternet } from './home-router.js';
import { REPO, waitFor } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';

function skipReason(): string | undefined {
  const netns = netnsSkipReason();
  if (netns !== undefined) return netns;
  for (const tool of ['/usr/sbin/miniupnpd', '/usr/sbin/nft']) if (!existsSync(tool)) return `${tool} is missing (scripts/setup.sh installs miniupnpd and nftables)`;
  return undefined;
}
const skip = skipReason();
const TSX_LOADER = `${REPO}/node_modules/tsx/dist/loader.mjs`;
const DRIVER = `${REPO}/e2e/netns/portmap-driver.ts`;
const ANSWER_MS = 20_000;

/** The port mapper running in a LAN host, driven over JSON lines. */
class Driver {
  private readonly lines: Record<string, unknown>[] = [];
  private buffered = '';
  constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8');
      for (let newline = this.buffered.indexOf('\n'); newline >= 0; newline = this.buffered.indexOf('\n')) {
        this.lines.push(JSON.parse(this.buffered.slice(0, newline)) as Record<string, unknown>);
        this.buffered = this.buffered.slice(newline + 1);
      }
    });
  }

  async ask(command: object): Promise<{ ms: number; result: Record<string, unknown> }> {
    const op = (command as { op: string }).op;
    const seen = this.lines.length;
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
    const line = await waitFor(`an answer to ${op}`, () => this.lines.slice(seen).find((entry) => entry['op'] === op), ANSWER_MS, 50);
    return line as { ms: number; result: Record<string, unknown> };
  }

  event(name: string, after = 0): Promise<Record<string, unknown>> {
    return waitFor(`event ${name}`, () => this.lines.slice(after).find((entry) => entry['event'] === name), ANSWER_MS, 50);
  }

  count(): number {
    return this.lines.length;
  }
}

interface Home {
  readonly router: HomeRouter;
  readonly driver: Driver;
}

describe('netns: port mapping against miniupnpd', { skip, concurrency: false }, () => {
  let topology: Topology | undefined;
  let internet: PublicInternet | undefined;
  const figures: string[] = [];
  after(async () => {
    if (figures.length > 0) process.stderr.write(`port mapping figures: ${figures.join(', ')}\n`);
    await topology?.destroy();
  });

  async function home(role: string, options: HomeRouterOptions, mapperOptions: object = {}): Promise<Home> {
    topology ??= Topology.create();
    internet ??= await publicInternet(topology);
    const router = await homeRouter(topology, internet, role, options);
    const child = topology.spawn(router.host.ns, process.execPath, ['--import', TSX_LOADER, DRIVER, JSON.stringify(mapperOptions)], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO });
    return { router, driver: new Driver(child) };
  }

  /** Sends a datagram from the Internet host; resolves with what the LAN host received, if anything. */
  async function sendFromInternet(driver: Driver, address: string, port: number, text: string): Promise<string | undefined> {
    const far = internet!.far.ns;
    const before = driver.count();
    const family = address.includes(':') ? 'udp6' : 'udp4';
    const script = `const s=require('dgram').createSocket('${family}');let n=0;const t=setInterval(()=>{s.send(${JSON.stringify(text)},${port},${JSON.stringify(address)});if(++n===10){clearInterval(t);setTimeout(()=>s.close(),100);}},100);`;
    await topology!.exec(far, process.execPath, ['-e', script]);
    try {
      const event = await waitFor('a datagram', () => (driver as unknown as { lines: Record<string, unknown>[] }).lines.slice(before).find((entry) => entry['event'] === 'datagram'), 1_000, 50);
      return event['text'] as string;
    } catch {
      return undefined;
    }
  }

  it('UPnP IGDv2 alone: maps, a datagram from the Internet arrives, close removes the rule', async () => {
    const { router, driver } = await home('upnp', { upnp: true, natpmp: false });
    await driver.ask({ op: 'listen', port: 7654 });
    assert.equal(await sendFromInternet(driver, router.wanAddress, 7654, 'before'), undefined, 'nothing gets in before the mapping');
    const { ms, result } = await driver.ask({ op: 'map', transport: 'udp', port: 7654 });
    figures.push(`upnp-igd2 ${ms} ms`);
    assert.equal(result['ok'], true, JSON.stringify(result));
    const mapping = result['value'] as Record<string, unknown>;
    assert.equal(mapping['method'], 'upnp-igd2');
    assert.equal(mapping['externalAddress'], router.wanAddress);
    assert.match(await router.natRules(), new RegExp(`dnat ip to ${router.host.address.replaceAll('.', '\\.')}:7654`));
    assert.equal(await sendFromInternet(driver, router.wanAddress, mapping['externalPort'] as number, 'through'), 'through');
    await driver.ask({ op: 'close' });
    assert.doesNotMatch(await router.natRules(), /dnat/);
  });

  it('UPnP IGDv1: maps with WANIPConnection:1 and deletes on close', async () => {
    const { router, driver } = await home('igdv1', { upnp: true, natpmp: false, igd1: true });
    const { ms, result } = await driver.ask({ op: 'map', transport: 'tcp', port: 7654 });
    figures.push(`upnp-igd1 ${ms} ms`);
    assert.equal(result['ok'], true, JSON.stringify(result));
    assert.equal((result['value'] as Record<string, unknown>)['method'], 'upnp-igd1');
    // nft shows the protocol as the IPv4 header's protocol byte: 0x6 is TCP.
    assert.match(await router.natRules(), /0x6 th dport 7654 dnat/);
    await driver.ask({ op: 'close' });
    assert.doesNotMatch(await router.natRules(), /dnat/);
  });

  it('NAT-PMP alone (PCP dropped on the router): maps UDP and TCP, a datagram arrives, close removes both', async () => {
    const { router, driver } = await home('natpmp', { upnp: false, natpmp: true, only5351: 'natpmp' });
    await driver.ask({ op: 'listen', port: 7655 });
    const { ms, result } = await driver.ask({ op: 'map', transport: 'udp', port: 7655 });
    figures.push(`natpmp ${ms} ms`);
    assert.equal(result['ok'], true, JSON.stringify(result));
    const mapping = result['value'] as Record<string, unknown>;
    assert.equal(mapping['method'], 'natpmp');
    assert.equal(mapping['externalAddress'], router.wanAddress);
    const tcp = await driver.ask({ op: 'map', transport: 'tcp', port: 7655 });
    assert.equal(tcp.result['ok'], true, JSON.stringify(tcp.result));
    assert.equal(await sendFromInternet(driver, router.wanAddress, mapping['externalPort'] as number, 'pmp'), 'pmp');
    assert.equal((await router.natRules()).match(/dnat/g)?.length, 2);
    await driver.ask({ op: 'close' });
    assert.doesNotMatch(await router.natRules(), /dnat/);
  });

  it('PCP alone (NAT-PMP dropped on the router): maps with a nonce, a datagram arrives, close removes it', async () => {
    const { router, driver } = await home('pcp', { upnp: false, natpmp: true, only5351: 'pcp' });
    await driver.ask({ op: 'listen', port: 7656 });
    const { ms, result } = await driver.ask({ op: 'map', transport: 'udp', port: 7656 });
    figures.push(`pcp ${ms} ms`);
    assert.equal(result['ok'], true, JSON.stringify(result));
    const mapping = result['value'] as Record<string, unknown>;
    assert.equal(mapping['method'], 'pcp');
    assert.equal(mapping['externalAddress'], router.wanAddress);
    assert.equal(await sendFromInternet(driver, router.wanAddress, mapping['externalPort'] as number, 'pcp'), 'pcp');
    await driver.ask({ op: 'close' });
    assert.doesNotMatch(await router.natRules(), /dnat/);
  });

  it('all protocols on: PCP is preferred', async () => {
    const { driver } = await home('all', { upnp: true, natpmp: true });
    const { result } = await driver.ask({ op: 'map', transport: 'udp', port: 7657 });
    assert.equal(result['ok'], true, JSON.stringify(result));
    assert.equal((result['value'] as Record<string, unknown>)['method'], 'pcp');
    await driver.ask({ op: 'close' });
  });

  it('a router without any mapping protocol: no-mapping-protocol', async () => {
    const { driver } = await home('none', { upnp: false, natpmp: false, noDaemon: true });
    const { ms, result } = await driver.ask({ op: 'map', transport: 'udp', port: 7658 });
    figures.push(`no protocol answered after ${ms} ms`);
    assert.equal(result['ok'], false);
    assert.equal(result['error'], 'no-mapping-protocol', JSON.stringify(result));
    await driver.ask({ op: 'close' });
  });

  it('a router whose WAN is in 100.64.0.0/10: double-nat, nothing mapped', async () => {
    const { router, driver } = await home('cgnat', { upnp: true, natpmp: true, wan: 'cgnat' });
    const { result } = await driver.ask({ op: 'map', transport: 'udp', port: 7659 });
    assert.equal(result['ok'], false);
    assert.equal(result['error'], 'double-nat', JSON.stringify(result));
    assert.doesNotMatch(await router.natRules(), /dnat/);
    await driver.ask({ op: 'close' });
  });

  it('short leases are renewed before they end', async () => {
    const { router, driver } = await home('renew', { upnp: false, natpmp: true, minLifetime: 1 }, { lifetimeSeconds: 3 });
    const { result } = await driver.ask({ op: 'map', transport: 'udp', port: 7660 });
    assert.equal(result['ok'], true, JSON.stringify(result));
    assert.equal((result['value'] as Record<string, unknown>)['lifetimeSeconds'], 3);
    const first = await driver.event('renewed');
    await driver.event('renewed', driver.count());
    assert.equal((first['mapping'] as Record<string, unknown>)['externalPort'], (result['value'] as Record<string, unknown>)['externalPort']);
    assert.match(await router.natRules(), /0x11 th dport 7660 dnat/);
    await driver.ask({ op: 'close' });
    assert.doesNotMatch(await router.natRules(), /dnat/);
  });

  // miniupnpd 2.3.1 answers PCP over IPv6 even with enable_natpmp=no, so the UPnP case restricts the
  // mapper to UPnP instead of the router.
  for (const [name, options, methods] of [
    ['PCP', { upnp: false, natpmp: true }, ['pcp']],
    ['UPnP IGDv2', { upnp: true, natpmp: false }, ['upnp-igd2']],
  ] as const) {
    it(`an IPv6 pinhole through ${name} lets a datagram in; close shuts it`, async () => {
      const { router, driver } = await home(name === 'PCP' ? 'pin6p' : 'pin6u', options, { methods });
      await driver.ask({ op: 'listen', port: 7661, address: '::' });
      assert.equal(await sendFromInternet(driver, router.host.address6, 7661, 'blocked'), undefined, 'the firewall drops unsolicited inbound IPv6');
      const { ms, result } = await driver.ask({ op: 'pinhole', transport: 'udp', address: router.host.address6, port: 7661 });
      figures.push(`pinhole ${name} ${ms} ms`);
      assert.equal(result['ok'], true, `${JSON.stringify(result)}\n${router.log()}`);
      assert.equal((result['value'] as Record<string, unknown>)['method'], name === 'PCP' ? 'pcp' : 'upnp-igd2');
      assert.equal(await sendFromInternet(driver, router.host.address6, 7661, 'pinhole'), 'pinhole');
      await driver.ask({ op: 'close' });
      assert.equal(await sendFromInternet(driver, router.host.address6, 7661, 'closed'), undefined, 'the pinhole is gone');
    });
  }
});
