// Secrets read from files (`community.key_file`, `management.password_file`, `-K <file>`,
// KITH_KEY_FILE), so they appear in no command line and no shared config file. A file that its
// group or others could read is refused: the secret would not be one.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { err, ok, type Result } from '../../shared/result.js';
import { applySetting, type ConfigError } from './load.js';
import type { KithConfig } from '../../shared/config/schema.js';

/** Longer than any key or password the options accept. */
const MAX_SECRET_FILE_BYTES = 4096;

interface SecretFile {
  readonly fileOption: 'key_file' | 'password_file';
  readonly section: 'community' | 'management';
  readonly option: 'key' | 'password';
}

const SECRET_FILES: readonly SecretFile[] = [
  { section: 'community', fileOption: 'key_file', option: 'key' },
  { section: 'management', fileOption: 'password_file', option: 'password' },
];

/** The first line of a regular file only its owner may read; the error is one line naming the file. */
export function readSecretFile(path: string, what: string): Result<string, ConfigError> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return err('config', `${what} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    // Checked on the open descriptor, so the file cannot be swapped between check and read.
    const info = fstatSync(fd);
    if (!info.isFile()) return err('config', `${what} ${path}: not a regular file`);
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      return err('config', `${what} ${path}: group or others may read it (mode ${mode}); allowed: readable by its owner only (chmod 600 ${path})`);
    }
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > MAX_SECRET_FILE_BYTES) return err('config', `${what} ${path}: longer than ${MAX_SECRET_FILE_BYTES} bytes; allowed: the secret on the first line`);
    const secret = buffer.subarray(0, length).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
    if (secret === '') return err('config', `${what} ${path}: the first line is empty; allowed: the secret on the first line`);
    return ok(secret);
  } finally {
    closeSync(fd);
  }
}

/** Fills community.key and management.password from their files, once every other source is in. */
export function applySecretFiles(config: KithConfig): Result<void, ConfigError> {
  for (const { section, fileOption, option } of SECRET_FILES) {
    const values = config[section] as Record<string, unknown>;
    const path = values[fileOption];
    if (typeof path !== 'string') continue;
    const name = `${section}.${fileOption}`;
    if (section === 'community' && values[option] !== undefined) return err('config', `${name} and ${section}.${option} are both set; allowed: one of them`);
    const secret = readSecretFile(path, name);
    if (!secret.ok) return secret;
    const applied = applySetting(config, { section, option, value: secret.value, origin: { file: path, line: 1 } });
    if (!applied.ok) return applied;
  }
  return ok(undefined);
}
