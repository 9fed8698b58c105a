import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { filesUnder, inputsDigest, stampIsCurrent, writeStamp } from './input-stamp.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kith-input-stamp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('input stamps', () => {
  it('list the files under a folder, sorted, without node_modules and dot-entries', () => {
    for (const file of ['src/b.cc', 'src/a.cc', 'src/sub/c.h', 'src/.hidden', 'src/node_modules/x.js', 'src/.cache/y']) write(file, file);
    assert.deepEqual(
      filesUnder(path.join(dir, 'src')).map((file) => path.relative(dir, file)),
      ['src/a.cc', 'src/b.cc', 'src/sub/c.h'],
    );
  });

  it('digest contents, names and facts, not timestamps', () => {
    const a = write('a.c', 'int a;');
    const b = write('b.c', 'int b;');
    const digest = inputsDigest(dir, [a, b], ['v20.19.0']);
    assert.equal(inputsDigest(dir, [b, a], ['v20.19.0']), digest, 'order of the list does not matter');
    utimesSync(a, new Date(0), new Date(0));
    assert.equal(inputsDigest(dir, [a, b], ['v20.19.0']), digest, 'a touched file is unchanged');
    assert.notEqual(inputsDigest(dir, [a, b], ['v22.12.0']), digest, 'another Node');
    write('a.c', 'int a2;');
    assert.notEqual(inputsDigest(dir, [a, b], ['v20.19.0']), digest, 'changed bytes');
    write('a.c', 'int a;');
    renameSync(b, path.join(dir, 'c.c'));
    assert.notEqual(inputsDigest(dir, [a, path.join(dir, 'c.c')], ['v20.19.0']), digest, 'a renamed input');
    // Bytes moving between two files change the digest even though their concatenation does not.
    const [x, y] = [write('x', 'ab'), write('y', 'c')];
    const before = inputsDigest(dir, [x, y], []);
    write('x', 'a');
    write('y', 'bc');
    assert.notEqual(inputsDigest(dir, [x, y], []), before);
  });

  it('are current only with the same digest and every output present', () => {
    const stamp = path.join(dir, 'out', '.stamp');
    const output = write('out/result', 'built');
    assert.equal(stampIsCurrent(stamp, 'abc', [output]), false, 'never built');
    writeStamp(stamp, 'abc');
    assert.equal(stampIsCurrent(stamp, 'abc', [output]), true);
    assert.equal(stampIsCurrent(stamp, 'abd', [output]), false, 'inputs changed');
    rmSync(output);
    assert.equal(stampIsCurrent(stamp, 'abc', [output]), false, 'output removed');
  });
});
