// A fresh desktop hosts its first network: encrypted, a supernode in-process on every interface on
// 7654 or the next free port, its community file beside the 0600 profile, and a reachability report
// that says "only this home" when no router maps ports.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../engine/testing/wait-for.js';
import { createMemoryFramePort } from '../engine/edge/io/frame-port.js';
import type { Reachability, SettingsView } from '../engine/profiles/api.js';
import { ok } from '../shared/result.js';
import { startEmbeddedSupernode } from '../supernode/embedded.js';
import { startDesktopHost, type DesktopHost } from './host.js';

/** Holds UDP port 7654 on every interface (or finds it held already), so the supernode must move up. */
async function occupy(port: number): Promise<{ close(): void }> {
  const socket = createSocket({ type: 'udp6', ipv6Only: false });
  await new Promise<void>((resolve) => {
    socket.once('error', () => resolve());
    socket.bind(port, '::', () => resolve());
  });
  return { close: () => socket.close() };
}

const tcpReaches = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('desktop hosting its first network', () => {
  let dir: string;
  let host: DesktopHost;
  let blocker: { close(): void };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-hosting-'));
    blocker = await occupy(7654);
    const started = await startDesktopHost({
      version: '0.0.0',
      profilesDir: join(dir, 'profiles'),
      embeddedSupernode: startEmbeddedSupernode,
      openPort: (name) => Promise.resolve(ok(Object.assign(createMemoryFramePort(Uint8Array.from([2, 0, 0, 0x56, 0, 1])), { name }))),
      edgeOptions: { localDiscovery: false },
      logSink: () => undefined,
    });
    assert.ok(started.ok, started.ok ? '' : started.detail);
    host = started.value;
    await waitFor(() => host.session.status().state === 'registered', 'the edge to register with the hosted supernode', 10_000);
  });

  after(async () => {
    await host?.close();
    blocker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an encrypted first network with its own login and its community file, both 0600', async () => {
    const reply = await host.call('kith.settings.get');
    assert.ok(reply.ok);
    const view = reply.result as SettingsView;
    assert.equal(view.profile, 'kith-home');
    assert.equal(view.settings.cipher, 'ChaCha20');
    assert.equal(view.settings.headerEncryption, true);
    assert.notEqual(view.settings.key, '');
    const profile = join(dir, 'profiles', 'kith-home.conf');
    const community = join(dir, 'profiles', 'kith-home.community');
    assert.equal((await stat(profile)).mode & 0o777, 0o600);
    assert.equal((await stat(community)).mode & 0o777, 0o600);
    // Its own user/password login (the user is its description), which every invite user joins in the file.
    const user = view.settings.description;
    assert.match(await readFile(community, 'utf8'), new RegExp(`^${view.settings.community}\\n\\* ${user} [A-Za-z0-9+-]{43}\\n$`));
    assert.match(await readFile(profile, 'utf8'), /^password = [A-Za-z0-9_-]{24}$/m);
  });

  it('runs the supernode on the next free port, on IPv4 and IPv6, UDP and TCP, and points the edge at it', async () => {
    const supernode = host.session.config.community.supernode[0];
    assert.equal(supernode?.host, '127.0.0.1');
    assert.ok(supernode !== undefined && supernode.port > 7654 && supernode.port < 7664, `port ${supernode?.port}`);
    assert.equal(host.session.status().supernode, `127.0.0.1:${supernode.port}`);
    assert.equal(await tcpReaches('127.0.0.1', supernode.port), true);
    assert.equal(await tcpReaches('::1', supernode.port), true);
  });

  it('reports reachability only from this home when nothing maps ports', async () => {
    const reply = await host.call('kith.reachability');
    assert.ok(reply.ok);
    const report = reply.result as Reachability;
    assert.equal(report.scope, 'this-home');
    assert.equal(report.problem, 'no-mapping-protocol');
    assert.match(report.message, /^Only from this home: your router does not allow port mapping\.$/);
    assert.match(report.advice ?? '', /forward UDP and TCP port \d+ to this computer/);
    assert.equal(report.publicAddress, undefined);
  });
});
