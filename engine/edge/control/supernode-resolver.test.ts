// PROTOCOL.md §8.2/§8.3 re-resolution of supernode names, on a manual clock with a fake resolver (the
// race between a name's addresses: supernode-registration.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '../../log.js';
import type { Socket } from '../../protocol/index.js';
import { newSupernodeRecord } from './supernode-selection.js';
import { RESOLVE_PERIOD_MS, SILENT_RETRY_MS, SupernodeResolver, UNRESOLVED_RETRY_MS } from './supernode-resolver.js';

const v4 = (address: string, port = 7654): Socket => ({ family: 'IPv4', address, port });
const v6 = (address: string, port = 7654): Socket => ({ family: 'IPv6', address, port });
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** answers: one lookup's addresses each (a single Socket for one address, undefined for a failed lookup). */
function setup(initial: Socket | readonly Socket[] | undefined, answers: (Socket | readonly Socket[] | undefined)[]) {
  const list = (answer: Socket | readonly Socket[] | undefined): readonly Socket[] => (answer === undefined ? [] : 'family' in answer ? [answer] : answer);
  const addresses = list(initial);
  const record = newSupernodeRecord('sn.example.net', 7654, addresses[0], false, addresses);
  const literal = newSupernodeRecord('192.0.2.9', 7654, v4('192.0.2.9'), false);
  const lines: string[] = [];
  const ctx = { supernodes: [record, literal], logger: new Logger(2, { write: (line) => lines.push(line) }), registration: { awaitingAck: false } };
  const asked: string[] = [];
  const resolver = new SupernodeResolver(
    ctx,
    (host) => {
      asked.push(host);
      return Promise.resolve(list(answers.shift()));
    },
    0,
  );
  return { record, ctx, asked, lines, resolver };
}

describe('supernode re-resolution', () => {
  it('keeps trying a name that did not resolve at start-up, every few seconds', async () => {
    const { record, asked, resolver } = setup(undefined, [undefined, v4('198.51.100.1')]);
    resolver.tick(UNRESOLVED_RETRY_MS - 1);
    assert.deepEqual(asked, []);
    resolver.tick(UNRESOLVED_RETRY_MS);
    await settle();
    assert.deepEqual(asked, ['sn.example.net'], 'only names are looked up');
    assert.equal(record.socket, undefined);
    resolver.tick(2 * UNRESOLVED_RETRY_MS);
    await settle();
    assert.deepEqual(record.socket, v4('198.51.100.1'));
  });

  it('follows a changed address on the periodic round and logs it; a failed lookup keeps the old one', async () => {
    const { record, asked, lines, resolver } = setup(v4('198.51.100.1'), [undefined, v4('198.51.100.2')]);
    resolver.tick(RESOLVE_PERIOD_MS - 1);
    assert.equal(asked.length, 0);
    resolver.tick(RESOLVE_PERIOD_MS);
    await settle();
    assert.deepEqual(record.socket, v4('198.51.100.1'));
    resolver.tick(2 * RESOLVE_PERIOD_MS);
    await settle();
    assert.deepEqual(record.socket, v4('198.51.100.2'));
    assert.ok(lines.some((line) => line.includes('now resolves to 198.51.100.2:7654')));
  });

  it('looks again sooner while the supernode does not answer', async () => {
    const { ctx, asked, resolver } = setup(v4('198.51.100.1'), [v4('198.51.100.3')]);
    ctx.registration.awaitingAck = true;
    resolver.tick(SILENT_RETRY_MS);
    await settle();
    assert.deepEqual(asked, ['sn.example.net']);
    assert.deepEqual(ctx.supernodes[0]?.socket, v4('198.51.100.3'));
  });

  it('keeps an answering fallback address on the periodic round while the name still has it', async () => {
    const both = [v4('198.51.100.1'), v6('2001:db8::1')];
    const { record, resolver } = setup(both, [both, [v4('198.51.100.7')]]);
    record.socket = both[1];
    resolver.tick(RESOLVE_PERIOD_MS);
    await settle();
    assert.deepEqual(record.socket, both[1]);
    resolver.tick(2 * RESOLVE_PERIOD_MS);
    await settle();
    assert.deepEqual(record.socket, v4('198.51.100.7'));
    assert.deepEqual(record.addresses, [v4('198.51.100.7')]);
  });

  it('runs one round at a time', async () => {
    const { asked, resolver } = setup(undefined, []);
    resolver.tick(UNRESOLVED_RETRY_MS);
    resolver.tick(2 * UNRESOLVED_RETRY_MS);
    await settle();
    assert.equal(asked.length, 1);
  });
});
