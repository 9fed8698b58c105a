// The network settings form: its fields (from the config schema, shared/config/settings-form.ts),
// their editable text, what changed, and the engine's messages per field.
import type { NetworkSettings, SettingsField, SettingsProblem } from '../../../engine/profiles/api.js';
import { FORM_FIELDS, fieldInUse, fieldOfOption, type FormField } from '../../../shared/config/settings-form.js';

export { FORM_FIELDS, fieldInUse, type FormField };

/** The form's values: like NetworkSettings, but each list as its textarea's text. */
export type SettingsDraft = { readonly [F in SettingsField]: NetworkSettings[F] extends readonly string[] ? string : NetworkSettings[F] };

export function draftFromSettings(settings: NetworkSettings): SettingsDraft {
  const draft: Record<string, unknown> = { ...settings };
  for (const { field, form } of FORM_FIELDS) if (form.kind === 'lines') draft[field] = (settings[field] as readonly string[]).join('\n');
  return draft as SettingsDraft;
}

/** A textarea's values: one per non-blank line, trimmed. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The draft as settings: lists split into lines, fields out of use (FormSpec.onlyWhen) emptied. */
function settingsOfDraft(draft: SettingsDraft): NetworkSettings {
  const settings: Record<string, unknown> = { ...draft };
  for (const field of FORM_FIELDS) {
    if (field.form.kind === 'lines') settings[field.field] = linesOf(draft[field.field] as string);
    else if (!fieldInUse(field, draft)) settings[field.field] = '';
  }
  return settings as NetworkSettings;
}

/** Only the fields the person changed, so a save never rewrites what they did not touch. */
export function changedSettings(original: NetworkSettings, draft: SettingsDraft): Partial<NetworkSettings> {
  const next = settingsOfDraft(draft);
  const changes: Partial<Record<SettingsField, unknown>> = {};
  for (const { field } of FORM_FIELDS) {
    if (JSON.stringify(next[field]) !== JSON.stringify(original[field])) changes[field] = next[field];
  }
  return changes as Partial<NetworkSettings>;
}

/** The first message for each field; problems of options the form does not show are in generalProblems. */
export function errorsByField(errors: readonly SettingsProblem[]): Partial<Record<SettingsField, string>> {
  const byField: Partial<Record<SettingsField, string>> = {};
  for (const error of errors) {
    const field = error.option === undefined ? undefined : fieldOfOption(error.option);
    if (field !== undefined) byField[field.field] ??= error.message;
  }
  return byField;
}

/** Messages about the settings as a whole, or about options the form has no field for. */
export function generalProblems(errors: readonly SettingsProblem[]): string[] {
  return errors.filter((error) => error.option === undefined || fieldOfOption(error.option) === undefined).map((error) => error.message);
}

export function errorId(field: SettingsField): string {
  return `settings-error-${field}`;
}

/** The refused fields in form order (each once): the summary lists them, focus goes to the first. */
export function invalidFields(errors: readonly SettingsProblem[]): FormField[] {
  const refused = errorsByField(errors);
  return FORM_FIELDS.filter((field) => refused[field.field] !== undefined);
}

/** The plain warning for the value a field now has (FormSpec.warnings), e.g. no encryption. */
export function warningOf(field: FormField, draft: SettingsDraft): string | undefined {
  const value = draft[field.field];
  return typeof value === 'string' ? field.form.warnings?.[value] : undefined;
}
