import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listenUnix } from './listeners.js';
import { defaultSocketPath, isValidSessionName } from './paths.js';
import { createManagementServer } from './http-server.js';
import { exchange, parseResponses } from './test-support.js';

async function crashAfterBinding(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('unix socket listener (MANAGEMENT.md §1.1)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-listen-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates the directory 0755, applies unix_sock_perms and unlinks its socket on close', async () => {
    const path = join(dir, 'a', 'mgmt');
    const result = await listenUnix(createServer(), path, { perms: 0o660 });
    assert.ok(result.ok);
    assert.equal((await stat(join(dir, 'a'))).mode & 0o777, 0o755 & ~process.umask());
    assert.equal((await stat(path)).mode & 0o777, 0o660);
    await result.value.close();
    await assert.rejects(stat(path));
  });

  it('replaces a stale socket but refuses to steal one a live daemon answers on', async () => {
    const path = join(dir, 'b', 'mgmt');
    const live = await listenUnix(createServer(), path);
    assert.ok(live.ok);
    const second = await listenUnix(createServer(), path);
    assert.deepEqual([second.ok, second.ok ? undefined : second.error], [false, 'socket-in-use']);
    assert.ok((await stat(path)).isSocket(), 'the live socket was left alone');
    await live.value.close();

    // A stale socket: a daemon that bound it and was killed without cleaning up.
    await mkdir(join(dir, 'b'), { recursive: true });
    await crashAfterBinding(path);
    assert.ok((await stat(path)).isSocket());
    const replacement = await listenUnix(createServer(), path);
    assert.ok(replacement.ok, 'stale socket replaced');
    await replacement.value.close();
  });

  it('never deletes a file that is not a socket', async () => {
    const path = join(dir, 'c', 'mgmt');
    const first = await listenUnix(createServer(), path);
    assert.ok(first.ok);
    await first.value.close();
    await mkdir(join(dir, 'c'), { recursive: true });
    await writeFile(path, 'keep me');
    const result = await listenUnix(createServer(), path);
    assert.deepEqual([result.ok, result.ok ? undefined : result.error], [false, 'not-a-socket']);
    assert.equal((await stat(path)).size, 7);
  });
});

describe('TCP listener (MANAGEMENT.md §1.2)', () => {
  it('binds loopback only by default and serves on every bound address', async () => {
    const server = createManagementServer({ session: 's', methods: {}, password: 'p', topics: {} });
    try {
      const result = await server.listenTcp({ port: 0 });
      assert.ok(result.ok);
      assert.ok(result.value.addresses.every((address) => /^tcp:(\[::1\]|127\.0\.0\.1):\d+$/.test(address)));
      for (const address of result.value.addresses) {
        const [, host = '', port = ''] = /^tcp:\[?([^\]]+)\]?:(\d+)$/.exec(address) ?? [];
        const reply = parseResponses(await exchange({ host, port: Number(port) }, 'GET /status HTTP/1.1\r\n\r\n'));
        assert.equal(reply?.[0]?.status, 200, address);
      }
      const taken = await server.listenTcp({ port: Number(/:(\d+)$/.exec(result.value.addresses[0] ?? '')?.[1]), host: '127.0.0.1' });
      assert.equal(taken.ok ? undefined : taken.error, result.value.addresses.some((a) => a.includes('127.0.0.1')) ? 'port-in-use' : undefined);
    } finally {
      await server.close();
    }
  });
});

describe('default socket path', () => {
  it('uses /run for root, XDG_RUNTIME_DIR for users, /tmp/<app>-<uid> without it', () => {
    assert.deepEqual(defaultSocketPath('edge', { uid: 0, xdgRuntimeDir: '/run/user/0' }), { ok: true, value: '/run/kith/edge/mgmt' });
    assert.deepEqual(defaultSocketPath('edge', { uid: 1000, xdgRuntimeDir: '/run/user/1000' }), { ok: true, value: '/run/user/1000/kith/edge/mgmt' });
    assert.deepEqual(defaultSocketPath('sn', { uid: 1000, xdgRuntimeDir: undefined }), { ok: true, value: '/tmp/kith-1000/sn/mgmt' });
    assert.deepEqual(defaultSocketPath('sn', { uid: 1000, xdgRuntimeDir: 'relative' }), { ok: true, value: '/tmp/kith-1000/sn/mgmt' });
    assert.deepEqual(defaultSocketPath('edge', { uid: 0, xdgRuntimeDir: undefined }, 'n3n'), { ok: true, value: '/run/n3n/edge/mgmt' });
  });

  it('refuses session names that would leave the directory', () => {
    for (const bad of ['', '.', '..', 'a/b', '../x', 'a\0b']) assert.equal(isValidSessionName(bad), false, bad);
    assert.equal(defaultSocketPath('../etc', { uid: 0, xdgRuntimeDir: undefined }).ok, false);
  });
});
