// Failures of a call, sorted into what a person can act on.

export type ClientErrorKind = 'auth' | 'offline' | 'refused' | 'protocol';

export class ClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
    /** The JSON-RPC / HTTP code when the engine answered. */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export const AUTH_MESSAGE = 'The management password is needed';
export const OFFLINE_MESSAGE = "Kith's engine is not running";

/** The engine did not answer: not running, or the request never reached it. */
export function isOffline(error: unknown): boolean {
  return error instanceof ClientError && error.kind === 'offline';
}

/** One error from an engine reply code (MANAGEMENT.md §3.4) and its message. */
export function errorFromCode(code: number, message: string): ClientError {
  if (code === 401) return new ClientError('auth', AUTH_MESSAGE, code);
  if (code === 503) return new ClientError('offline', OFFLINE_MESSAGE, code);
  if (code === 404 && /unknown method/i.test(message)) return new ClientError('refused', 'This version of the engine does not offer that yet', code);
  return new ClientError('refused', message.trim() || `The engine refused the request (${code})`, code);
}

/** Any thrown value as a message for the screen. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
