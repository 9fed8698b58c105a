// The desktop app's two small windows while this computer's screen is shared (issue 13; main
// opens them, electron/help-windows.ts): the banner that stays on top, and the transparent
// overlay drawing the helper's pointer. Neither holds the session's connection: the main window does.
import { useEffect, useState } from 'react';
import type { HelpSession } from '../../../engine/help/api.js';
import type { KithBridge, PointerMark } from '../client/bridge.js';
import type { HelpLink } from '../help/help-link.js';
import { applyHelpEvent, currentSession, EMPTY_HELP_STATUS } from '../help/help-status.js';
import { bannerWords } from '../help/help-words.js';
import { sharesThisScreen } from '../../../shared/help-session.js';

/** "‹name› can see your screen — Stop sharing", for as long as the session runs. */
export function HelpBannerWindow({ link }: { link: HelpLink }) {
  const [session, setSession] = useState<HelpSession | undefined>(undefined);
  useEffect(() => {
    let status = EMPTY_HELP_STATUS;
    const show = (): void => setSession(currentSession(status));
    return link.listen(
      (event) => {
        status = applyHelpEvent(status, event);
        show();
      },
      (state) => {
        if (state === 'up')
          void link.status().then((snapshot) => {
            status = snapshot;
            show();
          });
      },
    );
  }, [link]);
  if (session === undefined || !sharesThisScreen(session)) return null;
  return (
    <div className="help-banner help-banner-window" role="region" aria-label="Sharing your screen">
      <p className="help-banner-line">
        <span>{bannerWords(session)}</span>
        <span aria-hidden="true"> — </span>
        <button type="button" className="danger" onClick={() => void link.stop(session.id)}>
          Stop sharing
        </button>
      </p>
    </div>
  );
}

/** The helper's mark, drawn where it points on the shared screen; the window itself is see-through. */
export function PointerOverlay({ bridge }: { bridge: KithBridge }) {
  const [mark, setMark] = useState<PointerMark | null>(null);
  useEffect(() => {
    document.documentElement.classList.add('see-through');
    return bridge.help.onPointer(setMark);
  }, [bridge]);
  if (mark === null) return null;
  return <span className="help-mark help-mark-screen" aria-hidden="true" style={{ left: `${mark.x * 100}%`, top: `${mark.y * 100}%` }} />;
}
