import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedSettings, draftFromSettings, errorsByField, FORM_FIELDS, generalProblems, invalidFields, linesOf, warningOf } from './settings-form.js';
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

  it("links each field to its first message, by the option's name", () => {
    const byField = errorsByField([
      { option: 'community.name', message: 'Up to 19 characters' },
      { option: 'community.name', message: 'second' },
      { option: 'tuntap.address', message: 'Write it as a.b.c.d/len' },
      { option: 'auth.password', message: 'not a field' },
    ]);
    assert.deepEqual(byField, { community: 'Up to 19 characters', address: 'Write it as a.b.c.d/len' });
    assert.deepEqual(linesOf('a:1\r\n  \nb:2'), ['a:1', 'b:2']);
  });

  it('keeps problems without a field for the summary', () => {
    assert.deepEqual(generalProblems([{ message: 'cannot be saved' }, { option: 'auth.pubkey', message: 'bad key' }, { option: 'community.name', message: 'x' }]), ['cannot be saved', 'bad key']);
  });

  it('lists refused fields once each, in the order the form shows them', () => {
    const errors = [
      { option: 'connection.description', message: 'too long' },
      { option: 'community.name', message: 'at most 19 characters' },
      { option: 'community.supernode', message: 'bad port' },
      { option: 'community.name', message: 'second message' },
    ] as const;
    assert.deepEqual(invalidFields(errors).map((field) => field.field), ['community', 'supernodes', 'description']);
    assert.deepEqual(invalidFields([]), []);
  });

  it('shows every setting once, in plain words with its n3n option name', () => {
    assert.deepEqual(FORM_FIELDS.map((field) => field.field).sort(), Object.keys(SETTINGS.settings).sort());
    const labels = Object.fromEntries(FORM_FIELDS.map((field) => [field.option, field.form.label]));
    assert.equal(labels['community.name'], 'Network name');
    assert.equal(labels['connection.description'], "This computer's name");
    assert.equal(labels['community.cipher'], 'Encryption');
    assert.deepEqual(Object.keys(changedSettings(SETTINGS.settings, { ...draftFromSettings(SETTINGS.settings), community: 'x' })), ['community']);
  });

  it('warns in plain words when traffic will not be encrypted', () => {
    const cipher = FORM_FIELDS.find((field) => field.field === 'cipher');
    assert.ok(cipher);
    const draft = draftFromSettings(SETTINGS.settings);
    assert.equal(warningOf(cipher, draft), undefined);
    assert.match(warningOf(cipher, { ...draft, cipher: 'null' }) ?? '', /will not be encrypted/);
  });
});
