// Networks as profile files: one n3n-dialect INI file per network (CONFIG.md §5), read through the
// config loader like any session file and written in the same dialect with the schema's own value
// texts, mode 0600 (the key is inside), by writing a temporary file and renaming it over the old one. The desktop keeps them in the user's
// config directory; kith-edge's profile is its session file in /etc/kith.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatIni, parseIni } from '../config/ini-file.js';
import { buildConfig, settingsFromFile } from '../config/load.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { applySecretFiles } from '../config/secret-files.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { NetworkSettings } from './api.js';
import { iniOptionsOf } from './network-settings.js';

export type ProfileError = 'invalid-name' | 'unreadable' | 'unwritable';
export type ProfileChangeError = ProfileError | 'unknown-profile' | 'name-taken';

/** The files that belong to a profile beside it (`<name>.<kind>`): they move and go with it. */
export const PROFILE_COMPANIONS = ['community', 'users'] as const;
export type CompanionKind = (typeof PROFILE_COMPANIONS)[number];

const EXTENSION = '.conf';
/** Names the profile in use; a dot file, so never taken for a profile. */
const ACTIVE_MARKER = '.active';
const PASSWORD_FILE = '.management-password';
const MAC_FILE = '.mac';
/** Profile names become file names (and kith-edge session names): no path characters. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name) && !name.endsWith(EXTENSION);
}

/**
 * Where the desktop keeps its profiles: `$KITH_PROFILES_DIR` if set, else the platform's per-user
 * config directory (XDG on Linux and the BSDs, %APPDATA% on Windows, Application Support on macOS).
 */
export function defaultProfilesDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env['KITH_PROFILES_DIR'];
  if (override !== undefined && override !== '') return override;
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Kith', 'profiles');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Kith', 'profiles');
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.config'), 'kith', 'profiles');
}

/** A profile name made from a community name: safe characters only, never empty. */
export function profileNameFor(community: string): string {
  const slug = community.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 48);
  return slug === '' || !isValidProfileName(slug) ? 'network' : slug;
}

function readFileSafely(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A profile file's options in file order: section → option → its values (repeated options have several). */
type IniDocument = Map<string, Map<string, readonly string[]>>;

function readDocument(path: string): Result<IniDocument, ProfileError> {
  const document: IniDocument = new Map();
  if (!existsSync(path)) return ok(document);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return err('unreadable', `${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot read'}`);
  }
  const entries = parseIni(text);
  if (!entries.ok) return err('unreadable', `${path}: ${entries.detail ?? 'syntax error'}`);
  for (const { section, option, value } of entries.value) {
    const options = document.get(section) ?? new Map<string, readonly string[]>();
    document.set(section, options.set(option, [...(options.get(option) ?? []), value]));
  }
  return ok(document);
}

/** One option's lines in a profile; no values = leave the option out. */
export interface IniLines {
  readonly section: string;
  readonly option: string;
  readonly values: readonly string[];
}

/** The document with these options replaced (or removed). */
function withLines(document: IniDocument, lines: readonly IniLines[]): IniDocument {
  const next: IniDocument = new Map([...document].map(([section, options]) => [section, new Map(options)]));
  for (const { section, option, values } of lines) {
    const options = next.get(section) ?? new Map<string, readonly string[]>();
    if (values.length === 0) options.delete(option);
    else options.set(option, values);
    next.set(section, options);
  }
  return next;
}

function serialise(document: IniDocument): Result<string, ProfileError> {
  return formatIni([...document].map(([section, options]) => ({ section, options: [...options].flatMap(([option, values]) => values.map((value) => ({ option, value }))) })));
}

/** Write-then-rename, so a crash leaves the old file or the new one, never half of one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export interface ProfileFile {
  readonly name: string;
  readonly path: string;
}

export class ProfileStore {
  constructor(readonly dir: string) {}

  pathOf(name: string): Result<string, ProfileError> {
    return isValidProfileName(name) ? ok(join(this.dir, `${name}${EXTENSION}`)) : err('invalid-name', `"${name}" cannot name a profile`);
  }

  async list(): Promise<ProfileFile[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names
      .filter((file) => file.endsWith(EXTENSION) && isValidProfileName(file.slice(0, -EXTENSION.length)))
      .sort()
      .map((file) => ({ name: file.slice(0, -EXTENSION.length), path: join(this.dir, file) }));
  }

  /** The profile through the config loader and validator: the same schema as every session file. */
  load(name: string): Result<KithConfig, ProfileError> {
    const path = this.pathOf(name);
    if (!path.ok) return path;
    const settings = settingsFromFile(path.value, true);
    const config = settings.ok ? buildConfig('edge', settings.value) : settings;
    if (!config.ok) return err('unreadable', config.detail);
    const secrets = applySecretFiles(config.value);
    return secrets.ok ? config : err('unreadable', secrets.detail);
  }

  /** Writes the form's options (and `extra` ones) into the profile, keeping every other option the file has. */
  save(name: string, settings: NetworkSettings, extra: readonly IniLines[] = []): Promise<Result<string, ProfileError>> {
    return this.saveLines(name, [...iniOptionsOf(settings), ...extra]);
  }

  /** Writes these options into the profile, keeping every other option the file has. */
  async saveLines(name: string, lines: readonly IniLines[]): Promise<Result<string, ProfileError>> {
    const path = this.pathOf(name);
    if (!path.ok) return path;
    const document = readDocument(path.value);
    if (!document.ok) return document;
    const text = serialise(withLines(document.value, lines));
    if (!text.ok) return text;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeAtomically(path.value, text.value);
    } catch (error) {
      return err('unwritable', `${path.value}: ${(error as NodeJS.ErrnoException).code ?? 'cannot write'}`);
    }
    return ok(path.value);
  }

  companionPath(name: string, kind: CompanionKind): Result<string, ProfileError> {
    const profile = this.pathOf(name);
    return profile.ok ? ok(`${profile.value.slice(0, -EXTENSION.length)}.${kind}`) : profile;
  }

  /**
   * A file that belongs to a profile, beside it as `<name>.<kind>` (e.g. the community file of a
   * network hosted here), written as the profile is: 0600, whole or not at all.
   */
  async saveCompanion(name: string, kind: CompanionKind, text: string): Promise<Result<string, ProfileError>> {
    const companion = this.companionPath(name, kind);
    if (!companion.ok) return companion;
    const path = companion.value;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeAtomically(path, text);
    } catch (error) {
      return err('unwritable', `${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot write'}`);
    }
    return ok(path);
  }

  /** The profile's file and its companions under a new name; never over another profile. */
  async rename(from: string, to: string): Promise<Result<string, ProfileChangeError>> {
    const [source, target] = [this.pathOf(from), this.pathOf(to)];
    if (!source.ok) return source;
    if (!target.ok) return target;
    const names = new Set((await this.list()).map((profile) => profile.name));
    if (!names.has(from)) return err('unknown-profile', `There is no network named "${from}".`);
    if (names.has(to)) return err('name-taken', `There is already a network named "${to}".`);
    try {
      await rename(source.value, target.value);
      for (const kind of PROFILE_COMPANIONS) {
        const [old, moved] = [this.companionPath(from, kind), this.companionPath(to, kind)];
        if (old.ok && moved.ok && existsSync(old.value)) await rename(old.value, moved.value);
      }
    } catch (error) {
      return err('unwritable', `${target.value}: ${(error as NodeJS.ErrnoException).code ?? 'cannot rename'}`);
    }
    return ok(target.value);
  }

  /** Deletes the profile's file and its companions (its key, its community file and invited users). */
  async remove(name: string): Promise<Result<string, ProfileChangeError>> {
    const path = this.pathOf(name);
    if (!path.ok) return path;
    if (!(await this.list()).some((profile) => profile.name === name)) return err('unknown-profile', `There is no network named "${name}".`);
    try {
      for (const kind of PROFILE_COMPANIONS) {
        const companion = this.companionPath(name, kind);
        if (companion.ok) await rm(companion.value, { force: true });
      }
      await rm(path.value);
    } catch (error) {
      return err('unwritable', `${path.value}: ${(error as NodeJS.ErrnoException).code ?? 'cannot delete'}`);
    }
    return ok(path.value);
  }

  /** The profile the desktop used last, if it still exists. */
  async lastActive(): Promise<string | undefined> {
    const name = readFileSafely(join(this.dir, ACTIVE_MARKER))?.trim();
    return name !== undefined && (await this.list()).some((profile) => profile.name === name) ? name : undefined;
  }

  async rememberActive(name: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeAtomically(join(this.dir, ACTIVE_MARKER), `${name}\n`);
  }

  /**
   * The desktop's management password, made on first use: one per computer rather than per
   * profile, since the window's management server outlives profile switches.
   */
  async managementPassword(): Promise<{ password: string; file: string }> {
    const file = join(this.dir, PASSWORD_FILE);
    const existing = readFileSafely(file)?.trim();
    if (existing !== undefined && existing !== '') return { password: existing, file };
    const password = randomBytes(18).toString('base64url');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeAtomically(file, `${password}\n`);
    return { password, file };
  }

  /**
   * This computer's MAC in every network, made once (unicast, locally administered): the host of a
   * network admits an invited device by the MAC it joined with, so it must not change with restarts.
   */
  async deviceMac(): Promise<string> {
    const file = join(this.dir, MAC_FILE);
    const existing = readFileSafely(file)?.trim();
    if (existing !== undefined && /^02(:[0-9a-f]{2}){5}$/.test(existing)) return existing;
    const mac = ['02', ...[...randomBytes(5)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeAtomically(file, `${mac}\n`);
    return mac;
  }

  /** `base`, or `base-2`, `base-3`… whichever has no file yet. */
  async unusedName(base: string): Promise<string> {
    const taken = new Set((await this.list()).map((profile) => profile.name));
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
    return candidate;
  }
}
