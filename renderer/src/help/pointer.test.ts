import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePointer, encodePointer, pointerOnPicture } from './pointer.js';
import { decodeVoice, encodeVoice } from './voice.js';

describe('pointer messages', () => {
  it('round-trip a mark, rounded to four decimals', () => {
    assert.deepEqual(decodePointer(encodePointer({ x: 0.123456, y: 1 })), { x: 0.1235, y: 1 });
  });

  it('refuse anything but two numbers from 0 to 1', () => {
    for (const message of ['{"x":1.5,"y":0}', '{"x":-0.1,"y":0}', '{"x":0.5}', '{"x":0.5,"y":0.5,"z":0}', '[0.5,0.5]', 'null', '{"x":"0.5","y":0.5}', 'not json', `{"x":0.5,"y":0.5${' '.repeat(200)}}`, 42, null, new ArrayBuffer(8)]) {
      assert.equal(decodePointer(message), undefined, typeof message === 'string' ? message : typeof message);
    }
  });

  it('place a point on the picture, clamped to its edges', () => {
    const box = { left: 100, top: 50, width: 400, height: 200 };
    assert.deepEqual(pointerOnPicture(300, 150, box), { x: 0.5, y: 0.5 });
    assert.deepEqual(pointerOnPicture(0, 400, box), { x: 0, y: 1 });
    assert.equal(pointerOnPicture(1, 1, { ...box, width: 0 }), undefined);
  });
});

describe('voice messages', () => {
  it('carry on and off, and nothing else', () => {
    assert.equal(decodeVoice(encodeVoice(true)), true);
    assert.equal(decodeVoice(encodeVoice(false)), false);
    assert.equal(decodeVoice('voice:maybe'), undefined);
    assert.equal(decodeVoice(1), undefined);
  });
});
