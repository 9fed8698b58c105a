// The network settings form: its editable text, what changed, and the engine's messages per field.
import type { FieldError, NetworkSettings, SettingsField } from '../../../engine/profiles/api.js';

export const CIPHERS: readonly NetworkSettings['cipher'][] = ['AES', 'ChaCha20', 'Speck', 'Twofish', 'null'];
export const COMPRESSIONS: readonly NetworkSettings['compression'][] = ['none', 'lzo', 'zstd'];

export const CIPHER_LABELS: Readonly<Record<NetworkSettings['cipher'], string>> = {
  AES: 'AES',
  ChaCha20: 'ChaCha20',
  Speck: 'Speck',
  Twofish: 'Twofish',
  null: 'None (not encrypted)',
};

/** The form's values: like NetworkSettings, but the supernode list as the textarea's text. */
export interface SettingsDraft {
  readonly community: string;
  readonly key: string;
  readonly cipher: NetworkSettings['cipher'];
  readonly compression: NetworkSettings['compression'];
  readonly headerEncryption: boolean;
  readonly supernodes: string;
  readonly addressMode: NetworkSettings['addressMode'];
  readonly address: string;
  readonly description: string;
}

export function draftFromSettings(settings: NetworkSettings): SettingsDraft {
  return { ...settings, supernodes: settings.supernodes.join('\n') };
}

export function supernodeLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Only the fields the person changed, so a save never rewrites what they did not touch. */
export function changedSettings(original: NetworkSettings, draft: SettingsDraft): Partial<NetworkSettings> {
  const next: NetworkSettings = { ...draft, supernodes: supernodeLines(draft.supernodes), address: draft.addressMode === 'static' ? draft.address.trim() : '' };
  const changes: Partial<Record<SettingsField, unknown>> = {};
  for (const field of Object.keys(next) as SettingsField[]) {
    if (JSON.stringify(next[field]) !== JSON.stringify(original[field])) changes[field] = next[field];
  }
  return changes as Partial<NetworkSettings>;
}

/** The first message for each field. */
export function errorsByField(errors: readonly FieldError[]): Partial<Record<SettingsField, string>> {
  const byField: Partial<Record<SettingsField, string>> = {};
  for (const error of errors) byField[error.field] ??= error.message;
  return byField;
}

/** Attributes linking a field to its message (aria-invalid, aria-describedby). */
export function fieldErrorProps(field: SettingsField, errors: Partial<Record<SettingsField, string>>): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return errors[field] === undefined ? {} : { 'aria-invalid': true, 'aria-describedby': errorId(field) };
}

export function errorId(field: SettingsField): string {
  return `settings-error-${field}`;
}

/** The fields in the order the form shows them. */
export const FIELD_ORDER: readonly SettingsField[] = ['community', 'key', 'cipher', 'compression', 'headerEncryption', 'supernodes', 'addressMode', 'address', 'description'];

export const FIELD_LABELS: Readonly<Record<SettingsField, string>> = {
  community: 'Community',
  key: 'Key',
  cipher: 'Cipher',
  compression: 'Compression',
  headerEncryption: 'Header encryption',
  supernodes: 'Supernodes',
  addressMode: 'Address mode',
  address: 'Static address',
  description: 'Description',
};

/** The refused fields in form order (each once): the summary lists them, focus goes to the first. */
export function invalidFields(errors: readonly FieldError[]): SettingsField[] {
  const refused = new Set(errors.map((error) => error.field));
  return FIELD_ORDER.filter((field) => refused.has(field));
}
