import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4FromNumber } from './auto-ip.js';
import { parseCommunityList } from './community-file.js';
import { compileCommunityPattern } from './community-pattern.js';

const matches = (pattern: string, name: string): boolean => {
  const compiled = compileCommunityPattern(pattern);
  assert.ok(compiled.ok, pattern);
  return compiled.value.test(name);
};

describe('community patterns', () => {
  it('matches whole names with the documented dialect', () => {
    assert.ok(matches('lab[0-1][0-9]', 'lab07'));
    assert.ok(!matches('lab[0-1][0-9]', 'lab07x'));
    assert.ok(!matches('lab[0-1][0-9]', 'xlab07'));
    assert.ok(matches('.*', 'anything'));
    assert.ok(matches('home\\d+', 'home42'));
    assert.ok(!matches('home\\d+', 'home'));
    assert.ok(matches('a\\.b', 'a.b'));
    assert.ok(!matches('a\\.b', 'axb'));
    assert.ok(matches('a(b)?', 'a(b'), 'parentheses are literal');
    assert.ok(!matches('a(b)?', 'a'), 'parentheses do not group');
  });

  it('rejects broken patterns', () => {
    assert.equal(compileCommunityPattern('lab[0-').ok, false);
    assert.equal(compileCommunityPattern('ab\\').ok, false);
  });
});

describe('community list file', () => {
  const example = [
    '# fixed names',
    'mynetwork',
    'home 192.168.168.0/24',
    'netleo',
    '* logan nHWum+r42k1qDXdIeH-WFKeylK5UyLStRzxofRNAgpG',
    '# regular expression: lab00 … lab19',
    'lab[0-1][0-9]',
    '.*',
    '',
  ].join('\n');

  it('reads fixed names, subnets, users and patterns', () => {
    const list = parseCommunityList(example, 'communities.list');
    assert.ok(list.ok);
    assert.deepEqual(list.value.fixed.map((c) => c.name), ['mynetwork', 'home', 'netleo']);
    const home = list.value.fixed[1]?.subnet;
    assert.equal(home && `${ipv4FromNumber(home.network)}/${home.prefix}`, '192.168.168.0/24');
    assert.deepEqual(list.value.fixed[2]?.users.map((u) => u.name), ['logan']);
    assert.equal(list.value.fixed[2]?.users[0]?.publicKey.length, 32);
    assert.equal(list.value.patterns.length, 2);
    assert.deepEqual(list.value.warnings, []);
  });

  it('warns about unusable lines and names them', () => {
    const list = parseCommunityList('a 10.0.0.1/24\nb\n* bob not-a-key\n', 'c.list');
    assert.ok(list.ok);
    assert.equal(list.value.fixed[0]?.subnet, undefined);
    assert.match(list.value.warnings[0] ?? '', /^c\.list:1: 10\.0\.0\.1\/24 is not a network address/);
    assert.match(list.value.warnings[1] ?? '', /^c\.list:3: expected "\* <user/);
  });

  it('a user line without a preceding fixed community is read as a pattern, as in n3n', () => {
    const list = parseCommunityList('lab.*\n* x y\n', 'c.list');
    assert.ok(list.ok);
    assert.deepEqual(list.value.fixed, []);
    assert.equal(list.value.patterns.length, 1);
    assert.match(list.value.warnings[0] ?? '', /^c\.list:2: /);
  });

  it('refuses a file without entries', () => {
    assert.equal(parseCommunityList('# nothing\n', 'c.list').ok, false);
  });
});
