// The help session where the person is, whatever screen is open (issue 13): the prompt on the
// helped computer, the banner while sharing, the helper's viewer, and why a session ended.
import { useEffect, useRef, type PointerEvent } from 'react';
import type { HelpSession } from '../../../engine/help/api.js';
import { findBridge } from '../client/bridge.js';
import { secondsLeft } from '../help/help-status.js';
import { bannerWords, endWords, helperWaitingWords, promptWords } from '../help/help-words.js';
import { pointerOnPicture } from '../help/pointer.js';
import { useHelp } from './help-context.js';
import { useNow } from './use-now.js';
import { sharesThisScreen } from '../../../shared/help-session.js';

export function HelpPanel() {
  const session = useHelp((s) => s.session);
  const problem = useHelp((s) => s.problem);
  return (
    <>
      {session !== undefined && session.phase === 'prompting' && <Prompt session={session} />}
      {session !== undefined && sharesThisScreen(session) && <Banner session={session} />}
      {session !== undefined && session.role === 'helper' && session.phase !== 'ended' && <Viewer session={session} />}
      {(session === undefined || session.phase === 'ended') && <AskedNotes />}
      {session?.phase === 'ended' && (
        <p className="help-ended" role="status" aria-label="Help session">
          {endWords(session)}
        </p>
      )}
      {problem !== undefined && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

/** How long "‹name› asks for your help" stays in the window. */
const ASKED_SHOWN_MS = 10 * 60_000;

/** On a helper's computer: who asked for help lately, with "See screen" beside each. */
function AskedNotes() {
  const asked = useHelp((s) => s.status.asked);
  const request = useHelp((s) => s.request);
  const now = useNow(30_000);
  const recent = asked.filter((note) => now - note.at < ASKED_SHOWN_MS);
  if (recent.length === 0) return null;
  return (
    <div className="card help-asked" role="region" aria-label="Requests for help">
      <ul className="plain-list">
        {recent.map((note) => (
          <li key={note.from.mac} className="help-banner-line">
            <span>{note.from.name} asks for your help.</span>
            <button type="button" className="small primary" aria-label={`See ${note.from.name}'s screen`} onClick={() => void request(note.from.mac)}>
              See screen
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Prompt({ session }: { session: HelpSession }) {
  const allow = useHelp((s) => s.allow);
  const decline = useHelp((s) => s.decline);
  const now = useNow(1000);
  const left = secondsLeft(session, now);
  return (
    <div className="card help-prompt" role="alertdialog" aria-labelledby="help-prompt-question" aria-describedby="help-prompt-detail">
      <p id="help-prompt-question" className="help-question">
        {promptWords(session)}
      </p>
      <p id="help-prompt-detail" className="muted">
        Nothing is shared unless you allow it. {session.peer.name} will see the screen or window you choose, and cannot use your mouse or keyboard. You can stop at any time.
        {left !== undefined && ` ${left} s left to answer.`}
      </p>
      <div className="action-row">
        <button type="button" className="primary" onClick={() => void allow()}>
          Allow
        </button>
        <button type="button" className="secondary" onClick={() => void decline()}>
          Don't allow
        </button>
      </div>
    </div>
  );
}

/** Plays a stream in a <video> (srcObject is not a React prop). */
function StreamVideo({ stream, label, muted, onPoint }: { stream: MediaStream | undefined; label: string; muted: boolean; onPoint?: (event: PointerEvent<HTMLVideoElement>) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current === null) return;
    video.current.srcObject = stream ?? null;
    if (stream !== undefined) void video.current.play().catch(() => undefined);
  }, [stream]);
  return <video ref={video} aria-label={label} className="help-video" autoPlay playsInline muted={muted} {...(onPoint === undefined ? {} : { onPointerMove: onPoint })} />;
}

function RemoteVoice() {
  const voice = useHelp((s) => s.remoteVoice);
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (audio.current === null) return;
    audio.current.srcObject = voice ?? null;
    if (voice !== undefined) void audio.current.play().catch(() => undefined);
  }, [voice]);
  return <audio ref={audio} autoPlay />;
}

function MuteButton() {
  const muted = useHelp((s) => s.muted);
  const setMuted = useHelp((s) => s.setMuted);
  return (
    <button type="button" className="small" aria-pressed={muted} onClick={() => setMuted(!muted)}>
      {muted ? 'Unmute my microphone' : 'Mute my microphone'}
    </button>
  );
}

function Banner({ session }: { session: HelpSession }) {
  const stop = useHelp((s) => s.stop);
  const voiceOn = useHelp((s) => s.voiceOn);
  const setVoice = useHelp((s) => s.setVoice);
  const preview = useHelp((s) => s.picture);
  const pointer = useHelp((s) => s.pointer);
  // In Electron the helper's pointer is drawn on the screen itself (an overlay window).
  const overlay = findBridge() !== undefined;
  return (
    <div className="help-banner" role="region" aria-label="Sharing your screen">
      <p className="help-banner-line">
        <span>
          {bannerWords(session)}
          {session.phase === 'connecting' && ' (connecting…)'}
        </span>
        <span aria-hidden="true"> — </span>
        <button type="button" className="danger" onClick={() => void stop()}>
          Stop sharing
        </button>
      </p>
      <div className="action-row">
        <button type="button" className="small" aria-pressed={voiceOn} onClick={() => void setVoice(!voiceOn)}>
          {voiceOn ? 'Turn voice off' : 'Turn voice on'}
        </button>
        {voiceOn && <MuteButton />}
        <RemoteVoice />
      </div>
      {!overlay && (
        <figure className="help-preview">
          <div className="help-preview-frame">
            <StreamVideo stream={preview} label="What you share" muted />
            {pointer !== undefined && <span className="help-mark" aria-label={`${session.peer.name} points here`} style={{ left: `${pointer.x * 100}%`, top: `${pointer.y * 100}%` }} />}
          </div>
          <figcaption className="muted">What {session.peer.name} sees. Where they point shows here: a browser cannot draw on the rest of your screen.</figcaption>
        </figure>
      )}
    </div>
  );
}

function Viewer({ session }: { session: HelpSession }) {
  const stop = useHelp((s) => s.stop);
  const picture = useHelp((s) => s.picture);
  const voiceOn = useHelp((s) => s.voiceOn);
  const point = useHelp((s) => s.point);
  const now = useNow(1000);
  const onPoint = (event: PointerEvent<HTMLVideoElement>): void => {
    const mark = pointerOnPicture(event.clientX, event.clientY, event.currentTarget.getBoundingClientRect());
    if (mark !== undefined) point(mark);
  };
  return (
    <div className="card help-viewer" role="region" aria-label={`${session.peer.name}'s screen`}>
      <p className="help-banner-line">
        <span role="status">{helperWaitingWords(session, secondsLeft(session, now))}</span>
        <button type="button" className="danger" onClick={() => void stop()}>
          Stop
        </button>
      </p>
      {session.phase !== 'requesting' && (
        <>
          <StreamVideo stream={picture} label={`${session.peer.name}'s screen`} muted onPoint={onPoint} />
          <div className="action-row">
            <span className="muted">{voiceOn ? 'Voice is on.' : `Voice is off; ${session.peer.name} can turn it on.`} Move your mouse over the picture to point.</span>
            {voiceOn && <MuteButton />}
            <RemoteVoice />
          </div>
        </>
      )}
    </div>
  );
}
