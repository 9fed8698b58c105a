import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters and gauges in Prometheus text with the session label first', () => {
    const registry = new MetricsRegistry();
    const packets = registry.counter('n3n_edge_packets', 'Packets by direction and event', ['direction', 'event']);
    packets.inc({ direction: 'tx', event: 'p2p' }, 5);
    packets.inc({ direction: 'rx', event: 'p2p' });
    packets.inc({ direction: 'tx', event: 'p2p' });
    const peers = registry.gauge('kith_peers', 'Known peers');
    peers.set({}, 3);
    peers.add({}, -1);
    assert.equal(
      registry.render('edge'),
      '# HELP n3n_edge_packets Packets by direction and event\n# TYPE n3n_edge_packets counter\n' +
        'n3n_edge_packets{session="edge",direction="tx",event="p2p"} 6\nn3n_edge_packets{session="edge",direction="rx",event="p2p"} 1\n' +
        '# HELP kith_peers Known peers\n# TYPE kith_peers gauge\nkith_peers{session="edge"} 2\n',
    );
  });

  it('follows an engine total: adds its growth, and a total that went down starts a new base', () => {
    const registry = new MetricsRegistry();
    const drops = registry.counter('drops', 'Drops', ['reason']);
    drops.follow({ reason: 'a' }, 4);
    drops.follow({ reason: 'a' }, 7);
    drops.follow({ reason: 'b' }, 2);
    drops.follow({ reason: 'a' }, 1);
    drops.follow({ reason: 'a' }, 3);
    assert.equal(registry.render('s'), '# HELP drops Drops\n# TYPE drops counter\ndrops{session="s",reason="a"} 9\ndrops{session="s",reason="b"} 2\n');
  });

  it('escapes label values and help text', () => {
    const registry = new MetricsRegistry();
    registry.gauge('g', 'line one\nback\\slash', ['desc']).set({ desc: 'a"b\\c\nd' }, Infinity);
    assert.equal(
      registry.render('s"1'),
      '# HELP g line one\\nback\\\\slash\n# TYPE g gauge\ng{session="s\\"1",desc="a\\"b\\\\c\\nd"} +Inf\n',
    );
  });

  it('refuses invalid names, reserved labels, duplicates and decreasing counters', () => {
    const registry = new MetricsRegistry();
    assert.throws(() => registry.counter('9bad', 'x'));
    assert.throws(() => registry.counter('ok', 'x', ['session']));
    assert.throws(() => registry.counter('ok', 'x', ['__x']));
    assert.throws(() => registry.counter('ok', 'x', ['a', 'a']));
    const counter = registry.counter('ok', 'x');
    assert.throws(() => registry.gauge('ok', 'x'));
    assert.throws(() => counter.inc({}, -1));
    assert.throws(() => counter.inc({}, NaN));
  });
});
