import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonOptions, edgeOptions, parseCommandLine } from './command-line.js';
import { argumentHandover, daemonArguments, maskSecrets, secretValues } from './secret-arguments.js';

const edge = [...commonOptions, ...edgeOptions];

function secretsOf(argv: readonly string[]): string[] {
  const parsed = parseCommandLine(argv, edge);
  assert.ok(parsed.ok);
  return secretValues(parsed.value.actions);
}

describe('secret arguments', () => {
  it('finds the values of every option the schema marks secret, however it is spelled', () => {
    const argv = ['start', 'home', '-k', 'k1', '-kk2', '-O', 'management.password=p1', '-Oauth.password=p2', '-c', 'family', '-Ocommunity.key_file=/etc/kith/key'];
    assert.deepEqual(secretsOf(argv), ['k1', 'k2', 'p1', 'p2']);
  });

  it('masks them in every spelling and leaves the rest alone', () => {
    const argv = ['start', 'home', '-k', 'sesame', '-ksesame', '-O', 'management.password=open=up', '-c', 'family'];
    assert.deepEqual(maskSecrets(argv, secretsOf(argv)), ['start', 'home', '-k', '***', '-k***', '-O', 'management.password=***', '-c', 'family']);
    assert.deepEqual(maskSecrets(['-kab', '-Ocommunity.key=a'], ['a', 'ab']), ['-k***', '-Ocommunity.key=***'], 'longest first');
  });

  it('hands the real arguments to the --daemon copy outside its command line, once', () => {
    const argv = ['start', '-k', 'sesame'];
    const handover = argumentHandover(argv, ['sesame']);
    assert.deepEqual(handover.args, ['start', '-k', '***']);
    const env: NodeJS.ProcessEnv = { ...handover.env };
    assert.deepEqual(daemonArguments(env, handover.args), argv);
    assert.deepEqual(env, {}, 'taken out of the environment');
    assert.deepEqual(daemonArguments({}, ['start']), ['start']);
    assert.deepEqual(argumentHandover(['start'], []).env, {}, 'nothing to hand over');
    assert.deepEqual(daemonArguments({ KITH_DAEMON_ARGS: '{"not":"a list"}' }, ['start']), ['start']);
  });
});
