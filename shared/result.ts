// A typed outcome for anything that parses untrusted input: decoders return one of these and never throw.

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E extends string> {
  readonly ok: false;
  readonly error: E;
  /** Human-readable context for debug logs; never contains key material. */
  readonly detail?: string;
}

export type Result<T, E extends string> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E extends string>(error: E, detail?: string): Err<E> {
  return detail === undefined ? { ok: false, error } : { ok: false, error, detail };
}
