// Kith: an edge session keeps its MAC and simple-id token (PROTOCOL.md §7.2) across a crash and a
// restart. Both used to be drawn per process, so an edge with a static address that was killed came
// back as a stranger, and the supernode refused it ("MAC or address already in use") until the dead
// registration expired, about a minute later. They live in the session's run directory beside the
// management socket (MANAGEMENT.md §1.1), a tmpfs that a reboot clears. A clean stop unregisters
// (§8.3 shutdown), which frees the MAC and the address at once, and removes the file with it.
//
// The file holds a secret (the token proves the MAC is ours to the supernode), so it is written 0600
// and trusted only when it is still a regular file of ours that nobody else may read or write, with
// a unicast MAC and a token of the right size. Anything else — missing, unreadable, malformed, a
// link, another user's, too open — is replaced by a fresh pair, never used.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from '../../crypto/random.js';
import { macToString, parseMac } from '../../protocol/index.js';
import type { Mac } from '../../protocol/index.js';
import { err, ok } from '../../../shared/result.js';
import type { Result } from '../../../shared/result.js';
import { SIMPLE_ID_TOKEN_SIZE } from '../control/auth.js';

export interface SessionIdentity {
  readonly mac: Mac;
  readonly token: Uint8Array;
}

export interface LoadedIdentity {
  readonly identity: SessionIdentity;
  /** Why the stored pair was not used or a new one not kept, for a warning; undefined when all is well. */
  readonly problem: string | undefined;
}

/** Larger than any file this module writes: a bigger one is not ours. */
const MAX_FILE_BYTES = 256;
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** `<run dir>/<session>/identity`, beside the session's management socket. */
export function sessionIdentityFile(socketPath: string): string {
  return join(dirname(socketPath), 'identity');
}

/** A random unicast, locally administered MAC. */
function randomMac(): Mac {
  const mac = randomBytes(6);
  mac[0] = (mac[0]! & 0xfe) | 0x02;
  return mac;
}

function isUsableMac(mac: Mac): boolean {
  return (mac[0]! & 1) === 0 && mac.some((byte) => byte !== 0);
}

function parseIdentity(text: string): SessionIdentity | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { mac, token } = value as { mac?: unknown; token?: unknown };
  if (typeof mac !== 'string' || typeof token !== 'string' || !new RegExp(`^[0-9a-f]{${2 * SIMPLE_ID_TOKEN_SIZE}}$`).test(token)) return undefined;
  const parsed = parseMac(mac);
  if (!parsed.ok || !isUsableMac(parsed.value)) return undefined;
  return { mac: parsed.value, token: Uint8Array.from(Buffer.from(token, 'hex')) };
}

/** The stored pair, if the file is one to trust (see the header). */
export function readSessionIdentity(path: string): Result<SessionIdentity, 'missing' | 'untrusted'> {
  let fd: number;
  try {
    // No following links, no blocking on a FIFO: what is opened is checked before it is read.
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? err('missing') : err('untrusted', code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be read (${code ?? 'error'})`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return err('untrusted', 'it is not a regular file');
    const uid = process.geteuid?.();
    if (uid !== undefined && info.uid !== uid) return err('untrusted', 'it belongs to another user');
    if (uid !== undefined && (info.mode & 0o077) !== 0) return err('untrusted', 'other users may read or write it');
    if (info.size > MAX_FILE_BYTES) return err('untrusted', 'it is not an identity file');
    const identity = parseIdentity(readFileSync(fd, 'utf8'));
    return identity === undefined ? err('untrusted', 'it is not an identity file') : ok(identity);
  } catch (error) {
    return err('untrusted', `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}

/** Writes the pair 0600 (a new file renamed over the old one, so a reader sees one or the other). */
function writeSessionIdentity(path: string, identity: SessionIdentity): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const temporary = `${path}.${process.pid}.new`;
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ mac: macToString(identity.mac), token: Buffer.from(identity.token).toString('hex') })}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The session's stored pair, or a fresh one, stored for the next start where that is possible. */
export function loadSessionIdentity(path: string): LoadedIdentity {
  const stored = readSessionIdentity(path);
  if (stored.ok) return { identity: stored.value, problem: undefined };
  const identity: SessionIdentity = { mac: randomMac(), token: randomBytes(SIMPLE_ID_TOKEN_SIZE) };
  const replaced = stored.error === 'untrusted' ? `${path} not used (${stored.detail ?? 'untrusted'}): a new MAC and token` : undefined;
  try {
    writeSessionIdentity(path, identity);
    return { identity, problem: replaced };
  } catch (error) {
    const unsaved = `cannot keep the MAC and token in ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): a restart after a crash waits for the supernode to forget this edge`;
    return { identity, problem: replaced === undefined ? unsaved : `${replaced}; ${unsaved}` };
  }
}

/**
 * A clean stop: the supernode was told (UNREGISTER_SUPER), the next start may begin afresh. The
 * session's run directory goes too once nothing else is left in it (the management socket closes first).
 */
export function removeSessionIdentity(path: string): void {
  try {
    rmSync(path, { force: true });
    rmdirSync(dirname(path));
  } catch {
    // Not a file of ours (a directory put there), or the directory still holds something: leave it.
  }
}
