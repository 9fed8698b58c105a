// The desktop's network settings (`kith.settings`), derived from the schema options that carry a
// `form` (option.ts FormSpec): their names and value types, their order and words. The engine
// checks and stores them with it (engine/profiles/network-settings.ts); the window draws its form
// from it (renderer/src/model/settings-form.ts).
import type { FieldKind, FormSpec, OptionSpec, ValueOf } from './option.js';
import { schema, type KithConfig, type OptionName, type Schema, type SectionName } from './schema.js';

type AnyOption = { [S in SectionName]: Schema[S]['options'][keyof Schema[S]['options']] }[SectionName];
type FormOption = Extract<AnyOption, { readonly form: FormSpec }>;

/** What the form holds for an option: text for most, a word for choices, a list for lines. */
type FieldValue<O extends FormOption> = O['form']['kind'] extends 'toggle'
  ? boolean
  : O['form']['kind'] extends 'lines'
    ? readonly string[]
    : O['form']['kind'] extends 'choice' | 'radio'
      ? Exclude<ValueOf<O>, undefined>
      : string;

/** The network settings the window edits; '' is an unset text option. */
export type NetworkSettings = { readonly [O in FormOption as O['form']['field']]: FieldValue<O> };
export type SettingsField = keyof NetworkSettings;

/** The fields a kith://join invite carries: those whose option names an invite parameter (FormSpec.invite). */
export type InviteField = FormOption extends infer O ? (O extends { readonly form: { readonly invite: string; readonly field: infer F } } ? F & SettingsField : never) : never;

export interface FormField {
  readonly field: SettingsField;
  /** n3n's name for it, e.g. community.name. */
  readonly option: OptionName;
  readonly section: SectionName;
  readonly name: string;
  readonly spec: OptionSpec<unknown, unknown>;
  readonly form: FormSpec;
}

/** Every field, in form order. */
export const FORM_FIELDS: readonly FormField[] = Object.entries(schema)
  .flatMap(([section, { options }]) =>
    Object.entries(options as Readonly<Record<string, OptionSpec<unknown, unknown>>>).flatMap(([name, spec]) =>
      spec.form === undefined ? [] : [{ field: spec.form.field as SettingsField, option: `${section}.${name}` as OptionName, section: section as SectionName, name, spec, form: spec.form }],
    ),
  )
  .sort((a, b) => a.form.order - b.form.order);

const BY_FIELD = Object.fromEntries(FORM_FIELDS.map((field) => [field.field, field])) as Readonly<Record<SettingsField, FormField>>;

export function formField(field: SettingsField): FormField {
  return BY_FIELD[field];
}

/** The field showing an option, if the form has one. */
export function fieldOfOption(option: string): FormField | undefined {
  return FORM_FIELDS.find((field) => field.option === option);
}

/** Whether a field is used with these values (FormSpec.onlyWhen); unused fields stay empty. */
export function fieldInUse(field: FormField, values: Readonly<Record<string, unknown>>): boolean {
  const when = field.form.onlyWhen;
  return when === undefined || values[when.field] === when.is;
}

/** The field's text (or word, flag, lines) for an option value, in the option's own text form. */
function fieldValue({ spec, form }: FormField, value: unknown): unknown {
  if (form.kind === 'toggle') return spec.format(value) === 'true';
  if (form.kind === 'lines') return (value as readonly unknown[]).map((entry) => spec.format([entry]) ?? '');
  return spec.format(value) ?? '';
}

/** The settings of a configuration; fields out of use (a fixed address without that mode) read as empty. */
export function settingsOf(config: KithConfig): NetworkSettings {
  const values: Record<string, unknown> = {};
  for (const field of FORM_FIELDS) values[field.field] = fieldValue(field, (config[field.section] as Readonly<Record<string, unknown>>)[field.name]);
  for (const field of FORM_FIELDS) if (!fieldInUse(field, values)) values[field.field] = '';
  return values as unknown as NetworkSettings;
}

/** Every field at its option's edge default, e.g. for a new network. */
export function defaultSettings(): NetworkSettings {
  const config: Record<string, Record<string, unknown>> = {};
  for (const { section, name, spec } of FORM_FIELDS) (config[section] ??= {})[name] = spec.defaults.edge;
  return settingsOf(config as unknown as KithConfig);
}

/** The JSON type of a field's value in `kith.settings.set`. */
export function jsonTypeOf(kind: FieldKind): 'string' | 'boolean' | 'strings' {
  return kind === 'toggle' ? 'boolean' : kind === 'lines' ? 'strings' : 'string';
}
