import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonOptions, edgeOptions, parseCommandLine } from './command-line.js';

const edge = [...commonOptions, ...edgeOptions];

describe('command line', () => {
  it('permutes options and words like n3n (options after the command words)', () => {
    const parsed = parseCommandLine(['start', 'ci_edge1', '--daemon', '-l', 'localhost:7654', '-c', 'test', '-Oconnection.bind=:7700'], edge);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.words, ['start', 'ci_edge1']);
    assert.deepEqual(
      parsed.value.actions.map((a) => (a.kind === 'set' ? `${a.setting.section}.${a.setting.option}=${a.setting.value}` : a.kind)),
      ['daemon.background=true', 'community.supernode=localhost:7654', 'community.name=test', 'connection.bind=:7700'],
    );
  });

  it('keeps -v and -O in argv order and splits bundled flags', () => {
    const parsed = parseCommandLine(['-Ologging.verbose=0', '-vv', 'start'], commonOptions);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.actions.map((a) => a.kind), ['set', 'more-verbose', 'more-verbose']);
  });

  it('maps -a with and without a mode', () => {
    const staticAddr = parseCommandLine(['-a', '10.1.2.3'], edge);
    const dhcp = parseCommandLine(['-adhcp:0.0.0.0'], edge);
    assert.ok(staticAddr.ok && dhcp.ok);
    const values = (p: typeof dhcp) => (p.ok ? p.value.actions.map((a) => (a.kind === 'set' ? a.setting.value : '')) : []);
    assert.deepEqual(values(staticAddr), ['static', '10.1.2.3']);
    assert.deepEqual(values(dhcp), ['dhcp', '0.0.0.0']);
  });

  it('reports unknown options and missing arguments', () => {
    assert.deepEqual(parseCommandLine(['-x'], commonOptions), { ok: false, error: 'usage', detail: 'unknown option -x' });
    assert.deepEqual(parseCommandLine(['-c'], edge), { ok: false, error: 'usage', detail: 'option -c needs an argument <arg>' });
    assert.equal(parseCommandLine(['-c', 'x'], commonOptions).ok, false, 'the supernode has no -c');
  });

  it('accepts and notes legacy options', () => {
    const parsed = parseCommandLine(['-A3', '-f', 'start'], edge);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.ignored, ['-A', '-f']);
  });
});
