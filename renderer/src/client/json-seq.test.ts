import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonSeqParser } from './json-seq.js';

describe('JsonSeqParser (RFC 7464 records)', () => {
  it('parses whole records and n3n\'s "replacing" notice', () => {
    const parser = new JsonSeqParser();
    assert.deepEqual(parser.push('\x1e"replacing"\n\x1e{"event":"kith.state","state":"registered"}\n'), ['replacing', { event: 'kith.state', state: 'registered' }]);
  });

  it('joins records split across chunks anywhere', () => {
    const text = '\x1e{"event":"a","n":1}\n\x1e{"event":"b","n":2}\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new JsonSeqParser();
      const out = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      assert.deepEqual(out, [{ event: 'a', n: 1 }, { event: 'b', n: 2 }], `cut at ${cut}`);
    }
  });

  it('skips a garbled record and carries on', () => {
    const parser = new JsonSeqParser();
    assert.deepEqual(parser.push('\x1e{"event":\n\x1e{"ok":true}\n'), [{ ok: true }]);
  });
});
