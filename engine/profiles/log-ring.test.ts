import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger, LogLevel } from '../log.js';
import { LogRing } from './log-ring.js';
import { pingCommand, runPing } from './ping.js';

describe('log ring', () => {
  it('keeps the last lines with their level, masking known secrets', () => {
    const ring = new LogRing(2, () => ['hunter22', undefined, 'ab']);
    const written: string[] = [];
    const logger = new Logger(LogLevel.Debug, ring.tee({ write: (line) => written.push(line) }), {});
    logger.error('one');
    logger.warn('key hunter22 leaked');
    logger.info('ab stays');
    assert.equal(written.length, 3);
    assert.deepEqual(
      ring.recent().map(({ level, text }) => ({ level, text })),
      [
        { level: 'warn', text: 'key •••• leaked' },
        { level: 'info', text: 'ab stays' },
      ],
    );
  });
});

describe('ping', () => {
  it('builds the command per OS, without a shell', () => {
    assert.deepEqual(pingCommand('10.0.0.2', 'linux'), { file: 'ping', args: ['-c', '3', '-W', '1', '10.0.0.2'] });
    assert.deepEqual(pingCommand('10.0.0.2', 'darwin'), { file: 'ping', args: ['-c', '3', '-W', '1000', '10.0.0.2'] });
    assert.deepEqual(pingCommand('10.0.0.2', 'win32'), { file: 'ping', args: ['-n', '3', '-w', '1000', '10.0.0.2'] });
  });

  it('returns the output lines of a real run', async () => {
    const result = await runPing('127.0.0.1');
    assert.ok(result.output.length > 0);
  });
});
