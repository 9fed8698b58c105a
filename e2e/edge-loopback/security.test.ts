// Header encryption with AES and LZO, user/password login with ChaCha20 (supernode with a community
// file), and the error states: wrong payload key, rejected registration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAsciiKey } from '../../engine/crypto/ascii-key.js';
import { edgePrivateKey, publicKeyOf } from '../../engine/crypto/user-password.js';
import { WRONG_KEY_REASON } from '../../engine/edge/wrong-key.js';
import { edgeConfig, exchange, ipv4Frame, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';

const MAC_A = '02:78:00:00:00:01';
const MAC_B = '02:78:00:00:00:02';

function communityFile(text: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kith-edge-'));
  const path = join(dir, 'communities.list');
  writeFileSync(path, text);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function publicKey(user: string, password: string): string {
  const key = publicKeyOf(edgePrivateKey(user, password));
  if (!key.ok) throw new Error('key derivation failed');
  return encodeAsciiKey(key.value);
}

const bothRegistered = (a: TestEdge, b: TestEdge): boolean => a.edge.status().state === 'registered' && b.edge.status().state === 'registered';

describe('edge loopback: encryption and authentication', () => {
  it('works with header encryption, AES and LZO', async () => {
    const file = communityFile('henc\n');
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode((c) => (c.supernode.community_file = file.path));
      const secure = (bind: string) =>
        edgeConfig('henc', sn!.port, bind, (c) => {
          c.community.header_encryption = 'true';
          c.community.cipher = 'AES';
          c.community.key = 'vwsecretkey';
          c.community.compression = 'lzo';
        });
      a = await startEdge(secure('127.0.0.2'), MAC_A);
      b = await startEdge(secure('127.0.0.3'), MAC_B);
      await waitFor(() => bothRegistered(a!, b!), 'both registered');
      await exchange(a, b, 'encrypted and compressed, compressible '.repeat(8));
      assert.equal(sn.supernode.communities().find((c) => c.community === 'henc')?.headerEncryption, 'enabled');
    } finally {
      await stopAll([a, b], sn);
      file.remove();
    }
  });

  it('logs in with user and password and exchanges ChaCha20 frames', async () => {
    const file = communityFile(`upw\n* alice ${publicKey('alice', 'alicepw')}\n* bob ${publicKey('bob', 'bobpw')}\n`);
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode((c) => (c.supernode.community_file = file.path));
      const user = (bind: string, name: string, password: string) =>
        edgeConfig('upw', sn!.port, bind, (c) => {
          c.connection.description = name;
          c.auth.password = password;
          c.community.cipher = 'ChaCha20';
          c.community.key = 'payloadkey';
        });
      a = await startEdge(user('127.0.0.2', 'alice', 'alicepw'), MAC_A);
      b = await startEdge(user('127.0.0.3', 'bob', 'bobpw'), MAC_B);
      await waitFor(() => bothRegistered(a!, b!), 'both registered');
      await exchange(a, b, 'user/password');
    } finally {
      await stopAll([a, b], sn);
      file.remove();
    }
  });

  it('reports a rejected login for a wrong password', async () => {
    const file = communityFile(`upw\n* alice ${publicKey('alice', 'alicepw')}\n`);
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    try {
      sn = await startSupernode((c) => (c.supernode.community_file = file.path));
      a = await startEdge(
        edgeConfig('upw', sn.port, '127.0.0.2', (c) => {
          c.connection.description = 'alice';
          c.auth.password = 'guessed';
          c.community.cipher = 'ChaCha20';
          c.community.key = 'payloadkey';
        }),
        MAC_A,
      );
      await waitFor(() => a!.edge.status().state === 'error', 'error state');
      assert.match(a.edge.status().reason ?? '', /^refused by the network's host: .*the user name or password is wrong$/);
    } finally {
      await stopAll([a], sn);
      file.remove();
    }
  });

  it('reports a rejected registration when the MAC is taken by another edge', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      // PROTOCOL.md §7.2: the MAC is registered with another edge's simple-id token → NAK.
      a = await startEdge(edgeConfig('clash', sn.port, '127.0.0.2'), MAC_A);
      await waitFor(() => a!.edge.status().state === 'registered', 'first registered');
      b = await startEdge(edgeConfig('clash', sn.port, '127.0.0.3'), MAC_A);
      await waitFor(() => b!.edge.status().state === 'error', 'second rejected');
      assert.match(b.edge.status().reason ?? '', /authentication rejected by supernode/);
      assert.equal(a.edge.status().state, 'registered');
    } finally {
      await stopAll([a, b], sn);
    }
  });

  it('delivers nothing with a wrong key, keeps running and says so', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      const keyed = (bind: string, key: string) =>
        edgeConfig('keys', sn!.port, bind, (c) => {
          c.community.cipher = 'AES';
          c.community.key = key;
        });
      a = await startEdge(keyed('127.0.0.2', 'right key'), MAC_A);
      b = await startEdge(keyed('127.0.0.3', 'wrong key'), MAC_B);
      await waitFor(() => bothRegistered(a!, b!) || b!.edge.status().state === 'error', 'both up');
      const ipA = a.edge.status().address!.address;
      const ipB = b.edge.status().address!.address;
      for (let i = 0; i < 4; i++) a.port.inject(ipv4Frame(a.mac, b.mac, ipA, ipB, `attempt ${i}`));
      await waitFor(() => b!.edge.status().state === 'error', 'wrong-key error at B');
      assert.equal(b.edge.status().reason, WRONG_KEY_REASON);
      assert.equal(b.port.written.length, 0, 'no frame reached the TAP');
      assert.equal(b.edge.counters().transop.rx, 0);
      // Still registered underneath: the supernode keeps the edge.
      assert.ok(sn.supernode.edges().some((edge) => edge.mac === b!.edge.status().mac));
    } finally {
      await stopAll([a, b], sn);
    }
  });
});
