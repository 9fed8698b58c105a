import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { menuKey, menuOpenIndex } from './menu.js';

describe('menu keyboard', () => {
  it('moves with the arrows and wraps at both ends', () => {
    assert.deepEqual(menuKey('ArrowDown', 0, 3), { kind: 'focus', index: 1 });
    assert.deepEqual(menuKey('ArrowDown', 2, 3), { kind: 'focus', index: 0 });
    assert.deepEqual(menuKey('ArrowUp', 0, 3), { kind: 'focus', index: 2 });
    assert.deepEqual(menuKey('ArrowUp', 2, 3), { kind: 'focus', index: 1 });
  });

  it('jumps to the first and last item with Home and End', () => {
    assert.deepEqual(menuKey('Home', 2, 3), { kind: 'focus', index: 0 });
    assert.deepEqual(menuKey('End', 0, 3), { kind: 'focus', index: 2 });
  });

  it('closes on Escape (key consumed) and on Tab (key goes on to move focus)', () => {
    assert.deepEqual(menuKey('Escape', 1, 3), { kind: 'close', keepDefault: false });
    assert.deepEqual(menuKey('Tab', 1, 3), { kind: 'close', keepDefault: true });
    assert.deepEqual(menuKey('Escape', 0, 0), { kind: 'close', keepDefault: false });
  });

  it('leaves other keys (Enter activates the focused item natively) alone', () => {
    assert.deepEqual(menuKey('Enter', 1, 3), { kind: 'none' });
    assert.deepEqual(menuKey('a', 1, 3), { kind: 'none' });
    assert.deepEqual(menuKey('ArrowDown', 0, 0), { kind: 'none' });
  });

  it('opens from the button at the first item, or at the last with ArrowUp', () => {
    assert.equal(menuOpenIndex('ArrowDown', 3), 0);
    assert.equal(menuOpenIndex('Enter', 3), 0);
    assert.equal(menuOpenIndex(' ', 3), 0);
    assert.equal(menuOpenIndex('ArrowUp', 3), 2);
    assert.equal(menuOpenIndex('Tab', 3), undefined);
  });
});
