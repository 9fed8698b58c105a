import { useEffect, useId, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import type { FieldError, NetworkSettings, SettingsField, SettingsView } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import { changedSettings, CIPHER_LABELS, CIPHERS, COMPRESSIONS, draftFromSettings, errorId, errorsByField, FIELD_LABELS, fieldErrorProps, invalidFields, type SettingsDraft } from '../model/settings-form.js';
import { useKith } from './store-context.js';
import { useNetworkSwitch } from './use-network-switch.js';

export function SettingsScreen() {
  const view = useKith((s) => s.settings);
  const problem = useKith((s) => s.settingsProblem);
  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Network settings</h2>
      <ProfileSwitcher />
      {view === undefined ? <p className="muted">{problem ?? 'Loading the settings…'}</p> : <SettingsForm key={view.profile} view={view} />}
    </section>
  );
}

function ProfileSwitcher() {
  const profiles = useKith((s) => s.profiles);
  const { request, question } = useNetworkSwitch();
  const active = profiles.find((profile) => profile.active);
  if (profiles.length === 0) return null;
  return (
    <div className="toolbar">
      {question}
      <label className="inline">
        <span>Network</span>
        <select value={active?.name ?? ''} onChange={(event) => request(event.target.value)}>
          {profiles.map((profile) => (
            <option key={profile.name} value={profile.name}>
              {profile.name === profile.community ? profile.name : `${profile.name} (${profile.community})`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function SettingsForm({ view }: { view: SettingsView }) {
  const save = useKith((s) => s.saveSettings);
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFromSettings(view.settings));
  const [errors, setErrors] = useState<readonly FieldError[]>([]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [showKey, setShowKey] = useState(false);
  /** Bumped by each refused save, so focus moves to the first marked field after it renders. */
  const [refusals, setRefusals] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const base = useId();
  const byField = errorsByField(errors);
  const refused = invalidFields(errors);

  // A save or an event brought new settings: start over from them.
  useEffect(() => setDraft(draftFromSettings(view.settings)), [view.settings]);

  const update = <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]): void => {
    setDraft((old) => ({ ...old, [field]: value }));
    setOutcome(undefined);
  };

  const id = (field: SettingsField): string => `${base}-${field}`;

  /** The control to focus for a field: the checked radio stands for the address mode. */
  const focusField = (field: SettingsField): void => {
    const target = field === 'addressMode' ? form.current?.querySelector<HTMLInputElement>(`input[name="${base}-address-mode"]:checked`) : document.getElementById(id(field));
    target?.focus({ preventScroll: true });
    target?.scrollIntoView({ block: 'nearest' });
  };

  useEffect(() => {
    const first = refused[0];
    if (refusals === 0 || first === undefined) return;
    // The summary first, then the field: both in view when they fit, the field in view always.
    summary.current?.scrollIntoView({ block: 'start' });
    focusField(first);
    // Only a new refusal moves focus; editing a field must not pull it back.
  }, [refusals]);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const changes = changedSettings(view.settings, draft);
    if (Object.keys(changes).length === 0) {
      setErrors([]);
      setOutcome({ ok: true, text: 'Nothing to save: no changes.' });
      return;
    }
    setSaving(true);
    try {
      const result = await save(changes);
      setErrors(result.ok ? [] : result.errors);
      // A refusal is told by the summary at the top of the form, which lists the marked fields.
      setOutcome(result.ok ? { ok: true, text: 'Saved. The new settings are in use.' } : undefined);
      if (!result.ok) setRefusals((n) => n + 1);
    } catch (error) {
      setOutcome({ ok: false, text: `Not saved: ${errorMessage(error)}` });
    } finally {
      setSaving(false);
    }
  };

  const message = (field: SettingsField): ReactNode =>
    byField[field] === undefined ? null : (
      <p className="field-error" id={errorId(field)}>
        {byField[field]}
      </p>
    );

  return (
    <form ref={form} className="card settings" onSubmit={(event) => void onSubmit(event)} noValidate>
      {view.file !== undefined && <p className="muted small-print">Stored in {view.file}</p>}
      <div ref={summary} className={refused.length === 0 ? 'error-summary empty-summary' : 'error-summary'} aria-live="polite">
        {refused.length > 0 && (
          <>
            <p className="problem">Not saved: please correct the fields marked below.</p>
            <ul>
              {refused.map((field) => (
                <li key={field}>
                  <a
                    href={`#${id(field)}`}
                    onClick={(event: MouseEvent) => {
                      event.preventDefault();
                      focusField(field);
                    }}
                  >
                    {FIELD_LABELS[field]}
                  </a>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <div className="field">
        <label htmlFor={id('community')}>Community</label>
        <input id={id('community')} value={draft.community} onChange={(e) => update('community', e.target.value)} autoComplete="off" spellCheck={false} {...fieldErrorProps('community', byField)} />
        {message('community')}
      </div>
      <div className="field">
        <label htmlFor={id('key')}>Key</label>
        <div className="with-button">
          <input id={id('key')} type={showKey ? 'text' : 'password'} value={draft.key} onChange={(e) => update('key', e.target.value)} autoComplete="off" spellCheck={false} {...fieldErrorProps('key', byField)} />
          <button type="button" className="small" aria-pressed={showKey} onClick={() => setShowKey(!showKey)}>
            {showKey ? 'Hide key' : 'Show key'}
          </button>
        </div>
        {message('key')}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id('cipher')}>Cipher</label>
          <select id={id('cipher')} value={draft.cipher} onChange={(e) => update('cipher', e.target.value as NetworkSettings['cipher'])} {...fieldErrorProps('cipher', byField)}>
            {CIPHERS.map((cipher) => (
              <option key={cipher} value={cipher}>
                {CIPHER_LABELS[cipher]}
              </option>
            ))}
          </select>
          {message('cipher')}
        </div>
        <div className="field">
          <label htmlFor={id('compression')}>Compression</label>
          <select id={id('compression')} value={draft.compression} onChange={(e) => update('compression', e.target.value as NetworkSettings['compression'])} {...fieldErrorProps('compression', byField)}>
            {COMPRESSIONS.map((compression) => (
              <option key={compression} value={compression}>
                {compression === 'none' ? 'None' : compression}
              </option>
            ))}
          </select>
          {message('compression')}
        </div>
      </div>
      <div className="field checkbox">
        <input id={id('headerEncryption')} type="checkbox" checked={draft.headerEncryption} onChange={(e) => update('headerEncryption', e.target.checked)} {...fieldErrorProps('headerEncryption', byField)} />
        <label htmlFor={id('headerEncryption')}>Header encryption</label>
        {message('headerEncryption')}
      </div>
      <div className="field">
        <label htmlFor={id('supernodes')}>Supernodes</label>
        <textarea id={id('supernodes')} rows={3} value={draft.supernodes} onChange={(e) => update('supernodes', e.target.value)} spellCheck={false} aria-describedby={byField.supernodes === undefined ? `${id('supernodes')}-hint` : `${errorId('supernodes')} ${id('supernodes')}-hint`} {...(byField.supernodes === undefined ? {} : { 'aria-invalid': true })} />
        <p className="hint-text" id={`${id('supernodes')}-hint`}>
          One per line, as host:port.
        </p>
        {message('supernodes')}
      </div>
      <fieldset className="field" {...fieldErrorProps('addressMode', byField)}>
        <legend>Address mode</legend>
        {(['auto', 'static', 'dhcp'] as const).map((mode) => (
          <label key={mode} className="radio">
            <input type="radio" name={`${base}-address-mode`} value={mode} checked={draft.addressMode === mode} onChange={() => update('addressMode', mode)} />
            {mode === 'auto' ? 'Automatic' : mode === 'static' ? 'Static' : 'DHCP'}
          </label>
        ))}
        {message('addressMode')}
      </fieldset>
      <div className="field">
        <label htmlFor={id('address')}>Static address</label>
        <input id={id('address')} value={draft.address} placeholder="10.0.0.5/24" disabled={draft.addressMode !== 'static'} onChange={(e) => update('address', e.target.value)} spellCheck={false} {...fieldErrorProps('address', byField)} />
        {message('address')}
      </div>
      <div className="field">
        <label htmlFor={id('description')}>Description</label>
        <input id={id('description')} value={draft.description} onChange={(e) => update('description', e.target.value)} placeholder="The name others see for this computer" {...fieldErrorProps('description', byField)} />
        {message('description')}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          Save
        </button>
        <span className={outcome?.ok === false ? 'problem' : 'saved'} aria-live="polite">
          {outcome?.text ?? ''}
        </span>
      </div>
    </form>
  );
}
