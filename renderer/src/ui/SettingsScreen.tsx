import { useEffect, useId, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import type { SettingsField, SettingsProblem, SettingsView } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import {
  changedSettings,
  draftFromSettings,
  errorId,
  errorsByField,
  FORM_FIELDS,
  fieldInUse,
  generalProblems,
  invalidFields,
  warningOf,
  type FormField,
  type SettingsDraft,
} from '../model/settings-form.js';
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
  const [errors, setErrors] = useState<readonly SettingsProblem[]>([]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  /** Bumped by each refused save, so focus moves to the first marked field after it renders. */
  const [refusals, setRefusals] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const base = useId();
  const byField = errorsByField(errors);
  const refused = invalidFields(errors);
  const general = generalProblems(errors);

  // A save or an event brought new settings: start over from them.
  useEffect(() => setDraft(draftFromSettings(view.settings)), [view.settings]);

  const update = <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]): void => {
    setDraft((old) => ({ ...old, [field]: value }));
    setOutcome(undefined);
  };

  const id = (field: SettingsField): string => `${base}-${field}`;

  /** The control to focus for a field: the checked button stands for a group of radio buttons. */
  const focusField = (field: SettingsField): void => {
    const radios = FORM_FIELDS.some((candidate) => candidate.field === field && candidate.form.kind === 'radio');
    const target = radios ? form.current?.querySelector<HTMLInputElement>(`input[name="${radioGroup(id(field))}"]:checked`) : document.getElementById(id(field));
    target?.focus({ preventScroll: true });
    target?.scrollIntoView({ block: 'nearest' });
  };

  useEffect(() => {
    const first = refused[0];
    if (refusals === 0) return;
    // The summary first, then the field: both in view when they fit, the field in view always.
    summary.current?.scrollIntoView({ block: 'start' });
    if (first !== undefined) focusField(first.field);
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

  return (
    <form ref={form} className="card settings" onSubmit={(event) => void onSubmit(event)} noValidate>
      {view.file !== undefined && <p className="muted small-print">Stored in {view.file}</p>}
      <div ref={summary} className={refused.length + general.length === 0 ? 'error-summary empty-summary' : 'error-summary'} aria-live="polite">
        {refused.length + general.length > 0 && (
          <>
            <p className="problem">{refused.length > 0 ? 'Not saved: please correct the fields marked below.' : 'Not saved.'}</p>
            <ul>
              {refused.map(({ field, form: { label } }) => (
                <li key={field}>
                  <a
                    href={`#${id(field)}`}
                    onClick={(event: MouseEvent) => {
                      event.preventDefault();
                      focusField(field);
                    }}
                  >
                    {label}
                  </a>
                </li>
              ))}
              {general.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      {FORM_FIELDS.map((field) => (
        <Field key={field.field} field={field} draft={draft} update={update} id={id(field.field)} error={byField[field.field]} />
      ))}
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

/** The name the radio buttons of a field share. */
const radioGroup = (fieldId: string): string => `${fieldId}-choice`;

interface FieldProps {
  readonly field: FormField;
  readonly draft: SettingsDraft;
  readonly update: <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]) => void;
  readonly id: string;
  readonly error: string | undefined;
}

/**
 * One setting as its schema option describes it (FormSpec): the plain-word label, the control for
 * its kind, help, a warning for the value it has, its message, and n3n's option name for those who
 * know n3n.
 */
function Field({ field, draft, update, id, error }: FieldProps) {
  const [revealed, setRevealed] = useState(false);
  const { form } = field;
  const value = draft[field.field];
  const set = (next: string | boolean): void => update(field.field, next);
  const warning = warningOf(field, draft);
  const described = [error === undefined ? undefined : errorId(field.field), form.help === undefined ? undefined : `${id}-help`, warning === undefined ? undefined : `${id}-warning`, `${id}-option`]
    .filter((part) => part !== undefined)
    .join(' ');
  const control = { id, 'aria-describedby': described, ...(error === undefined ? {} : { 'aria-invalid': true as const }) };
  const notes: ReactNode = (
    <>
      {form.help !== undefined && (
        <p className="hint-text" id={`${id}-help`}>
          {form.help}
        </p>
      )}
      {warning !== undefined && (
        <p className="field-warning" id={`${id}-warning`}>
          {warning}
        </p>
      )}
      {error !== undefined && (
        <p className="field-error" id={errorId(field.field)}>
          {error}
        </p>
      )}
      <p className="option-name" id={`${id}-option`}>
        n3n: <code>{field.option}</code>
      </p>
    </>
  );

  switch (form.kind) {
    case 'toggle':
      return (
        <div className="field checkbox">
          <input type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} {...control} />
          <label htmlFor={id}>{form.label}</label>
          {notes}
        </div>
      );
    case 'radio':
      return (
        <fieldset className="field" aria-describedby={described} {...(error === undefined ? {} : { 'aria-invalid': true })}>
          <legend>{form.label}</legend>
          {Object.entries(form.choices ?? {}).map(([word, shown]) => (
            <label key={word} className="radio">
              <input type="radio" name={radioGroup(id)} value={word} checked={value === word} onChange={() => set(word)} />
              {shown}
            </label>
          ))}
          {notes}
        </fieldset>
      );
    case 'choice':
      return (
        <Labelled id={id} label={form.label} notes={notes}>
          <select value={value as string} onChange={(e) => set(e.target.value)} {...control}>
            {Object.entries(form.choices ?? {}).map(([word, shown]) => (
              <option key={word} value={word}>
                {shown}
              </option>
            ))}
          </select>
        </Labelled>
      );
    case 'lines':
      return (
        <Labelled id={id} label={form.label} notes={notes}>
          <textarea rows={3} value={value as string} onChange={(e) => set(e.target.value)} spellCheck={false} {...control} />
        </Labelled>
      );
    case 'secret':
      return (
        <Labelled id={id} label={form.label} notes={notes}>
          <div className="with-button">
            <input type={revealed ? 'text' : 'password'} value={value as string} onChange={(e) => set(e.target.value)} autoComplete="off" spellCheck={false} {...control} />
            <button type="button" className="small" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
              {revealed ? 'Hide' : 'Show'}
            </button>
          </div>
        </Labelled>
      );
    case 'text':
      return (
        <Labelled id={id} label={form.label} notes={notes}>
          <input value={value as string} placeholder={form.example} disabled={!fieldInUse(field, draft)} onChange={(e) => set(e.target.value)} autoComplete="off" spellCheck={false} {...control} />
        </Labelled>
      );
  }
}

/** A field with its label above the control and its notes below. */
function Labelled({ id, label, notes, children }: { id: string; label: string; notes: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {notes}
    </div>
  );
}
