// Builds a configuration from, in rising priority: schema defaults, the session's config file,
// environment variables and command-line `-O section.option=value` settings (CONFIG.md §4).
// Unlike n3n, which warns and carries on, any unknown or invalid setting is an error: a daemon
// must not start with a configuration other than the one its operator wrote.
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { parseIni } from './ini-file.js';
import type { OptionSpec, Role } from '../../shared/config/option.js';
import { optionSpec, schema, sectionSpec, type KithConfig } from '../../shared/config/schema.js';

export type ConfigError = 'config';

/** Where a setting came from, for error messages. */
export type Origin = { readonly file: string; readonly line: number } | { readonly env: string } | { readonly cli: string };

export interface Setting {
  readonly section: string;
  readonly option: string;
  readonly value: string;
  readonly origin: Origin;
}

export function defaultConfig(role: Role): KithConfig {
  const config: Record<string, Record<string, unknown>> = {};
  for (const [sectionName, section] of Object.entries(schema)) {
    const values: Record<string, unknown> = {};
    const options: Readonly<Record<string, OptionSpec<unknown, unknown>>> = section.options;
    for (const [name, spec] of Object.entries(options)) values[name] = spec.defaults[role];
    config[sectionName] = values;
  }
  return config as KithConfig;
}

function describeOrigin(origin: Origin): string {
  if ('file' in origin) return `${origin.file}:${origin.line}`;
  if ('env' in origin) return `environment variable ${origin.env}`;
  return `command line ${origin.cli}`;
}

/** Applies one setting; the error text names the origin, section, option and what is allowed. */
export function applySetting(config: KithConfig, setting: Setting): Result<void, ConfigError> {
  const where = describeOrigin(setting.origin);
  if (sectionSpec(setting.section) === undefined) {
    return err('config', `${where}: unknown section [${setting.section}]; known sections: ${Object.keys(schema).join(', ')}`);
  }
  const spec = optionSpec(setting.section, setting.option);
  if (spec === undefined) {
    const known = Object.keys(sectionSpec(setting.section)?.options ?? {}).join(', ');
    return err('config', `${where}: unknown option ${setting.section}.${setting.option}; [${setting.section}] has: ${known}`);
  }
  const parsed = spec.parse(setting.value);
  if (!parsed.ok) {
    const shown = spec.secret ? '' : ` "${setting.value}"`;
    return err('config', `${where}: ${setting.section}.${setting.option}: invalid value${shown}; allowed: ${parsed.detail ?? spec.type}`);
  }
  const section = (config as Record<string, Record<string, unknown>>)[setting.section];
  if (section === undefined) return err('config', `${where}: unknown section [${setting.section}]`);
  if (spec.repeatable) {
    const previous = section[setting.option];
    section[setting.option] = [...(Array.isArray(previous) ? (previous as unknown[]) : []), parsed.value];
  } else {
    section[setting.option] = parsed.value;
  }
  return ok(undefined);
}

/** `section.option=value` as given to -O; the value is everything after the first '='. */
export function parseOverride(text: string): Result<Omit<Setting, 'origin'>, ConfigError> {
  const match = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(text);
  if (!match) return err('config', `command line -O ${text}: expected section.option=value`);
  return ok({ section: match[1] ?? '', option: match[2] ?? '', value: match[3] ?? '' });
}

export interface SessionFile {
  readonly session: string;
  readonly path: string;
  /** False when the session word named no explicit path, so a missing file just means defaults. */
  readonly required: boolean;
}

/** CONFIG.md §3: a session word starting with / or ./ is a path; otherwise <dir>/<session>.conf. */
export function resolveSessionFile(sessionWord: string, configDir: string): SessionFile {
  if (sessionWord.startsWith('/') || sessionWord.startsWith('./')) {
    return { session: basename(sessionWord, extname(sessionWord)), path: sessionWord, required: true };
  }
  return { session: sessionWord, path: join(configDir, `${sessionWord}.conf`), required: false };
}

export function settingsFromFile(path: string, required: boolean): Result<Setting[], ConfigError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return ok([]);
    return err('config', `${path}: cannot read the config file (${code ?? 'error'})`);
  }
  const entries = parseIni(text);
  if (!entries.ok) return err('config', `${path}: ${entries.detail ?? 'syntax error'}`);
  return ok(entries.value.map((e) => ({ section: e.section, option: e.option, value: e.value, origin: { file: path, line: e.line } })));
}

/** CONFIG.md §4 and §11: N3N_* variables (KITH_* accepted as well) apply after the file. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): Setting[] {
  const settings: Setting[] = [];
  const pick = (name: string): { name: string; value: string } | undefined => {
    for (const prefix of ['KITH_', 'N3N_']) {
      const value = env[prefix + name];
      if (value !== undefined && value !== '') return { name: prefix + name, value };
    }
    return undefined;
  };
  // Kith's own: the key from a file, so it is not in the environment either (secret-files.ts).
  const keyFile = env['KITH_KEY_FILE'];
  if (keyFile !== undefined && keyFile !== '') settings.push({ section: 'community', option: 'key_file', value: keyFile, origin: { env: 'KITH_KEY_FILE' } });
  const key = pick('KEY');
  if (key) {
    settings.push({ section: 'community', option: 'key', value: key.value, origin: { env: key.name } });
    settings.push({ section: 'community', option: 'cipher', value: 'AES', origin: { env: key.name } });
  }
  const community = pick('COMMUNITY');
  if (community) settings.push({ section: 'community', option: 'name', value: community.value, origin: { env: community.name } });
  const password = pick('PASSWORD');
  if (password) settings.push({ section: 'auth', option: 'password', value: password.value, origin: { env: password.name } });
  return settings;
}

/** Supernode default taken from the environment before the file (CONFIG.md §4 item 1). */
export function environmentDefaults(role: Role, env: NodeJS.ProcessEnv): Setting[] {
  const federation = env.KITH_FEDERATION ?? env.N3N_FEDERATION;
  if (role !== 'supernode' || federation === undefined || federation === '') return [];
  return [{ section: 'supernode', option: 'federation', value: federation, origin: { env: 'N3N_FEDERATION' } }];
}

export function buildConfig(role: Role, settings: readonly Setting[]): Result<KithConfig, ConfigError> {
  const config = defaultConfig(role);
  for (const setting of settings) {
    const applied = applySetting(config, setting);
    if (!applied.ok) return applied;
  }
  return ok(config);
}
