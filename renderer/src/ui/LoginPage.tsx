// The browser's sign-in page (`/login`): with a login link's token in the fragment it signs in at
// once; otherwise, or when the link was used already, it asks for the management password.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { loginToken, signIn, type SignInOutcome } from '../client/login.js';

/** Where the signed-in browser goes: the window's own page, replacing the sign-in page in history. */
function enter(): void {
  window.location.replace('./');
}

function describe(outcome: SignInOutcome, tried: 'link' | 'password'): string {
  if (outcome === 'offline') return "Kith's engine is not running.";
  if (typeof outcome === 'object') return `Too many wrong passwords: try again in ${outcome.retryAfterSeconds} s.`;
  return tried === 'link' ? 'This login link was used already. Sign in with the management password.' : 'That is not the management password.';
}

export function LoginPage() {
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [password, setPassword] = useState('');
  const passwordId = useId();

  useEffect(() => {
    const token = loginToken(window.location.hash);
    if (token === undefined) return;
    // The token leaves the address bar (and the history entry) before it is used.
    window.history.replaceState(null, '', window.location.pathname);
    setBusy(true);
    void signIn({ token }).then((outcome) => {
      if (outcome === 'signed-in') return enter();
      setBusy(false);
      setProblem(describe(outcome, 'link'));
    });
  }, []);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    void signIn({ password }).then((outcome) => {
      if (outcome === 'signed-in') return enter();
      setBusy(false);
      setProblem(describe(outcome, 'password'));
    });
  };

  return (
    <main className="panel" aria-labelledby="login-heading">
      <h1 id="login-heading" className="brand">
        Kith
      </h1>
      <form className="card" onSubmit={submit}>
        <h2>Sign in</h2>
        <p className="hint">
          Open the login link Kith printed when it started, or enter the management password (kith-edge names the file that holds it in its log).
        </p>
        <label htmlFor={passwordId}>Management password</label>
        <input id={passwordId} type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} disabled={busy} />
        <button type="submit" className="primary" disabled={busy || password === ''}>
          Sign in
        </button>
        {problem === undefined ? null : (
          <p className="banner" role="alert">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
