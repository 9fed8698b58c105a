// The supernode's answers to repeated registrations (Linux, native/src/register_answers_linux.cc).
// An edge re-registers every few seconds with a REGISTER_SUPER that differs from its last one only
// in the cookie. After the supernode acknowledged one, it leaves the request and its ACK here; a
// repeat from the same socket to the same local address is answered with that ACK (its cookie
// patched in) inside the socket's own poll callback, and reaches the supernode marked
// ANSWERED_BY_EXPRESS, which handles it in full but sends no second ACK. On an idle supernode,
// entering JavaScript costs several times what answering does (docs/tunnel-benchmark.md), and the
// edge times the round trip to its supernode by this ACK.
import { isNativeError, loadAddon } from './tap.js';
import type { NativeError } from './tap.js';
import { nativeUdpHandle } from './udp.js';
import type { UdpBatchSocket } from './udp.js';

/** Where a request came from and went to, as the socket reports it. */
export interface AnswerSource {
  readonly family: 4 | 6;
  /** 16 bytes: IPv4 in the first 4, the rest zero. */
  readonly address: Uint8Array;
  readonly port: number;
  /** The local address it came to, 16 bytes (IPv4 as ::ffff:a.b.c.d); all zero when unknown. */
  readonly local: Uint8Array;
}

export interface RegisterAnswerStats {
  /** Requests answered from the socket's callback. */
  readonly answered: number;
  readonly sendErrors: number;
  readonly entries: number;
}

export interface RegisterAnswers {
  /**
   * Answers a clear-text REGISTER_SUPER equal to request but for its cookie, from source, with
   * answer (its cookie replaced) for validMs from now; false when the table is full.
   */
  remember(source: AnswerSource, request: Uint8Array, answer: Uint8Array, validMs: number): boolean;
  forget(source: AnswerSource): void;
  clear(): void;
  stats(): RegisterAnswerStats;
  /** Takes the answers off the socket; idempotent. */
  close(): void;
}

interface NativeAnswersHandle {
  remember(family: number, address: Uint8Array, port: number, local: Uint8Array, request: Uint8Array, answer: Uint8Array, validMs: number): boolean;
  forget(family: number, address: Uint8Array, port: number, local: Uint8Array): void;
  clear(): void;
  stats(): RegisterAnswerStats;
  close(): void;
}

interface AnswersAddon {
  registerAnswersOpen?: (udp: unknown) => NativeAnswersHandle | NativeError | string;
}

class Answers implements RegisterAnswers {
  readonly #handle: NativeAnswersHandle;
  #closed = false;

  constructor(handle: NativeAnswersHandle) {
    this.#handle = handle;
  }

  remember(source: AnswerSource, request: Uint8Array, answer: Uint8Array, validMs: number): boolean {
    return !this.#closed && this.#handle.remember(source.family, source.address, source.port, source.local, request, answer, validMs);
  }

  forget(source: AnswerSource): void {
    if (!this.#closed) this.#handle.forget(source.family, source.address, source.port, source.local);
  }

  clear(): void {
    if (!this.#closed) this.#handle.clear();
  }

  stats(): RegisterAnswerStats {
    return this.#handle.stats();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle.close();
  }
}

/** Puts answers on a batched UDP socket, or says why there are none here (another OS, no addon, a socket with a hook). */
export function openRegisterAnswers(udp: UdpBatchSocket): RegisterAnswers | string {
  const loaded = loadAddon();
  if (!loaded.ok) return loaded.error.message;
  const open = (loaded.value as AnswersAddon).registerAnswersOpen;
  if (typeof open !== 'function') return 'answers from the socket are Linux-only';
  const handle = nativeUdpHandle(udp);
  if (handle === undefined) return 'the socket is not the addon’s';
  const answers = open(handle);
  if (typeof answers === 'string') return answers;
  if (isNativeError(answers)) return answers.message;
  return new Answers(answers);
}
