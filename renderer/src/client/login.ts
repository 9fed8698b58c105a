// Signing the browser in to the engine (engine/mgmt/access.ts): POST /login with the one-time
// token from the login link, or with the management password, gives an HttpOnly session cookie
// that the browser then sends with every same-origin request. The link carries the token in its
// fragment (`/login#<token>`): browsers send a fragment to no server and put it in no Referer, so
// it reaches only this page, which takes it out of the address bar before it is used.

export const LOGIN_PATH = '/login';

export type SignInOutcome = 'signed-in' | 'refused' | 'offline' | { readonly retryAfterSeconds: number };

/** The token of a login link's fragment, or undefined when there is none. */
export function loginToken(hash: string): string | undefined {
  const token = hash.startsWith('#') ? hash.slice(1) : hash;
  return /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : undefined;
}

export async function signIn(credential: { readonly token: string } | { readonly password: string }, doFetch: typeof fetch = (input, init) => fetch(input, init)): Promise<SignInOutcome> {
  let response: Response;
  try {
    response = await doFetch(LOGIN_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credential),
    });
  } catch {
    return 'offline';
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return 'signed-in';
  if (response.status === 429) return { retryAfterSeconds: Number(response.headers.get('Retry-After') ?? '1') || 1 };
  return 'refused';
}
