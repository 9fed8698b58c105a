// The settings form's fields (shared/config/settings-form.ts, from the schema options that carry a
// `form`) against a KithConfig: read them out, check a change field by field with each option's
// own parser, and put them back. Every refusal names its option and says in plain words what is
// allowed, for the form to show by the field.
import { iniValueProblem } from '../config/ini-file.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { checkHostTapAddress } from '../config/tap-allow-list.js';
import { parseTapAddress } from '../config/tap-address-rules.js';
import { edgeSettings } from '../edge/settings.js';
import { FORM_FIELDS, fieldInUse, formField, settingsOf, type FormField } from '../../shared/config/settings-form.js';
import type { NetworkSettings, SettingsField, SettingsProblem } from './api.js';

export type SettingsCheck = { readonly ok: true; readonly settings: NetworkSettings } | { readonly ok: false; readonly errors: readonly SettingsProblem[] };

// Reading settings out of a config is pure, so the window has it too (shared/).
export { settingsOf };

/**
 * The option value a field's (checked) text stands for, through the option's own parser;
 * undefined when the field is empty or out of use, which leaves the option at its default.
 */
function optionValue(field: FormField, settings: NetworkSettings): unknown {
  const { spec, form } = field;
  const value = settings[field.field] as unknown;
  if (!fieldInUse(field, settings)) return undefined;
  if (form.kind === 'toggle') return parsed(spec.parse(value === true ? 'true' : 'false'));
  if (form.kind === 'lines') return (value as readonly string[]).map((line) => parsed(spec.parse(line))).filter((entry) => entry !== undefined);
  return value === '' ? undefined : parsed(spec.parse(value as string));
}

const parsed = (result: { ok: true; value: unknown } | { ok: false }): unknown => (result.ok ? result.value : undefined);

/** The text of an allowed value, or what makes it unusable: the option's parser, then what an INI line can hold. */
function textProblem(field: FormField, text: string): string | undefined {
  const checked = field.spec.parse(text);
  if (!checked.ok) return `must be ${checked.detail ?? 'valid'}`;
  return iniValueProblem(text);
}

/** The rules kith-tap applies (tap-address-rules.ts): the form says no before the device would. */
function staticAddressProblem(text: string): string | undefined {
  const address = parseTapAddress(text);
  return address.ok ? checkHostTapAddress(address.value)?.message : 'must be a.b.c.d/len, e.g. 10.0.0.1/24';
}

function fieldProblems(field: FormField, settings: NetworkSettings): string[] {
  const { form } = field;
  const value = settings[field.field] as unknown;
  if (!fieldInUse(field, settings)) {
    const when = form.onlyWhen;
    const other = when === undefined ? undefined : formField(when.field as SettingsField);
    const shown = other?.form.choices?.[when?.is ?? ''] ?? when?.is;
    return value === '' || other === undefined ? [] : [`Leave ${form.label} empty unless ${other.form.label} is ${shown}.`];
  }
  if (form.kind === 'toggle') return [];
  const example = form.example === undefined ? '' : `, e.g. ${form.example}`;
  if (form.kind === 'lines') {
    const lines = value as readonly string[];
    if (lines.length === 0) return form.required === true ? [`${form.label}: at least one is needed${example}.`] : [];
    for (const line of lines) {
      const problem = textProblem(field, line);
      if (problem !== undefined) return [`${form.label}: each ${problem} (${JSON.stringify(line)} is not).`];
    }
    return [];
  }
  const text = value as string;
  if (text === '') return form.required === true ? [`${form.label} is needed${example}.`] : [];
  const problem = textProblem(field, text);
  return problem === undefined ? [] : [`${form.label} ${problem}.`];
}

/** Rules across fields, and those of this computer rather than of the option's type. */
function ruleProblems(settings: NetworkSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (settings.community.startsWith('*')) problems.push({ option: 'community.name', message: `${formField('community').form.label} cannot start with * (reserved for supernode federations).` });
  if (settings.key !== '' && settings.cipher === 'null') problems.push({ option: 'community.cipher', message: 'With a key, choose the encryption: AES, ChaCha20, Speck or Twofish.' });
  if (settings.key === '' && settings.cipher !== 'null') problems.push({ option: 'community.key', message: `${settings.cipher} encryption needs a key; or choose no encryption.` });
  if (settings.addressMode === 'static') {
    const refused = staticAddressProblem(settings.address);
    if (refused !== undefined) problems.push({ option: 'tuntap.address', message: `${formField('address').form.label} ${refused}.` });
  }
  return problems;
}

function problemsOf(settings: NetworkSettings): SettingsProblem[] {
  const problems = FORM_FIELDS.flatMap((field) => fieldProblems(field, settings).map((message) => ({ option: field.option, message })));
  return problems.length > 0 ? problems : ruleProblems(settings);
}

/** `config` with the form's settings in place of its own; the rest of it (and the input) unchanged. */
export function configWith(config: KithConfig, settings: NetworkSettings): KithConfig {
  const next = structuredClone(config);
  for (const field of FORM_FIELDS) (next[field.section] as Record<string, unknown>)[field.name] = optionValue(field, settings) ?? field.spec.defaults.edge;
  return next;
}

/**
 * The current settings with `changes` applied, checked field by field and then as a whole by the
 * edge's start-up validation (which knows, e.g., that user/password login needs ChaCha20 or Speck).
 */
export function checkSettings(config: KithConfig, changes: Partial<NetworkSettings>): SettingsCheck {
  const settings: NetworkSettings = { ...settingsOf(config), ...changes };
  const errors = problemsOf(settings);
  if (errors.length > 0) return { ok: false, errors };
  const runnable = edgeSettings(configWith(config, settings));
  if (!runnable.ok) return { ok: false, errors: [{ option: runnable.error, message: runnable.detail ?? 'These settings cannot be used.' }] };
  return { ok: true, settings };
}

/** The profile file's lines for the form's options, in the schema's own text; none = left at the default. */
export function iniOptionsOf(settings: NetworkSettings): { readonly section: string; readonly option: string; readonly values: readonly string[] }[] {
  return FORM_FIELDS.map((field) => {
    const value = optionValue(field, settings);
    const values = value === undefined ? [] : field.spec.repeatable ? (value as readonly unknown[]).map((entry) => field.spec.format([entry]) ?? '') : [field.spec.format(value) ?? ''];
    return { section: field.section, option: field.name, values };
  });
}
