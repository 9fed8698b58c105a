import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedSettings, draftFromSettings, errorsByField, FIELD_LABELS, FIELD_ORDER, fieldErrorProps, invalidFields, supernodeLines } from './settings-form.js';
import { SETTINGS } from './fixtures.test-support.js';

describe('settings form', () => {
  it('sends only what changed', () => {
    const draft = draftFromSettings(SETTINGS.settings);
    assert.deepEqual(changedSettings(SETTINGS.settings, draft), {});
    assert.deepEqual(changedSettings(SETTINGS.settings, { ...draft, cipher: 'ChaCha20', supernodes: ' sn.example.net:7654 \n\n b.example:1234\n' }), {
      cipher: 'ChaCha20',
      supernodes: ['sn.example.net:7654', 'b.example:1234'],
    });
  });

  it('sends a static address only with the static mode', () => {
    const draft = { ...draftFromSettings(SETTINGS.settings), address: '10.1.2.3/24' };
    assert.deepEqual(changedSettings(SETTINGS.settings, draft), {});
    assert.deepEqual(changedSettings(SETTINGS.settings, { ...draft, addressMode: 'static' }), { addressMode: 'static', address: '10.1.2.3/24' });
  });

  it('links each field to its first message', () => {
    const byField = errorsByField([
      { field: 'community', message: 'Up to 19 characters' },
      { field: 'community', message: 'second' },
      { field: 'address', message: 'Write it as a.b.c.d/len' },
    ]);
    assert.deepEqual(byField, { community: 'Up to 19 characters', address: 'Write it as a.b.c.d/len' });
    assert.deepEqual(fieldErrorProps('community', byField), { 'aria-invalid': true, 'aria-describedby': 'settings-error-community' });
    assert.deepEqual(fieldErrorProps('key', byField), {});
    assert.deepEqual(supernodeLines('a:1\r\n  \nb:2'), ['a:1', 'b:2']);
  });

  it('lists refused fields once each, in the order the form shows them', () => {
    const errors = [
      { field: 'description', message: 'too long' },
      { field: 'community', message: 'at most 19 characters' },
      { field: 'supernodes', message: 'bad port' },
      { field: 'community', message: 'second message' },
    ] as const;
    assert.deepEqual(invalidFields(errors), ['community', 'supernodes', 'description']);
    assert.deepEqual(invalidFields([]), []);
  });

  it('names every field, each once in the form order', () => {
    assert.deepEqual([...FIELD_ORDER].sort(), Object.keys(FIELD_LABELS).sort());
    assert.equal(new Set(FIELD_ORDER).size, FIELD_ORDER.length);
    assert.deepEqual(Object.keys(changedSettings(SETTINGS.settings, { ...draftFromSettings(SETTINGS.settings), community: 'x' })), ['community']);
  });
});
