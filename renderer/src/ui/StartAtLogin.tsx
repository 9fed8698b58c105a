import { useEffect, useId, useState } from 'react';
import { findBridge } from '../client/bridge.js';
import { errorMessage } from '../client/errors.js';

/** "Start Kith at login": only inside the desktop app, whose main process owns the setting. */
export function StartAtLogin() {
  const app = findBridge()?.app;
  const id = useId();
  const [on, setOn] = useState<boolean | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (app === undefined) return;
    let live = true;
    app.startAtLogin().then(
      (value) => live && setOn(value),
      (error: unknown) => live && setProblem(`Could not read the setting: ${errorMessage(error)}`),
    );
    return () => {
      live = false;
    };
  }, [app]);

  if (app === undefined) return null;

  const change = async (next: boolean): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    setOn(next);
    try {
      await app.setStartAtLogin(next);
    } catch (error) {
      setOn(!next);
      setProblem(`Could not change the setting: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="start-at-login">
      <input id={id} type="checkbox" className="switch" checked={on ?? false} disabled={on === undefined || busy} onChange={(event) => void change(event.target.checked)} aria-describedby={`${id}-hint`} />
      <label htmlFor={id}>Start Kith at login</label>
      <p id={`${id}-hint`} className="hint-text">
        Kith then connects by itself whenever you turn on this computer.
      </p>
      {problem !== undefined && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
