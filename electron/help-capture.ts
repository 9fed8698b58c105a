// What the helped computer shares (issue 13): the page asks with getDisplayMedia, and main answers
// with the screen or window the person picks from Kith's own menu of desktopCapturer's sources.
// Nothing is captured without that pick; cancelling the menu shares nothing.
import { desktopCapturer, Menu, type DesktopCapturerSource, type Session } from 'electron';
import { captureChoices } from './window-options.js';

/**
 * Lets the app's page capture a screen or window only through the person's pick; `onPick` learns
 * which (the pointer overlay covers the picked screen).
 */
export function handleScreenCapture(session: Session, isAppPage: (url: string) => boolean, onPick: (source: DesktopCapturerSource) => void): void {
  session.setDisplayMediaRequestHandler((request, callback) => {
    if (!isAppPage(request.frame?.url ?? '') || !request.videoRequested) {
      callback({});
      return;
    }
    void desktopCapturer.getSources({ types: ['screen', 'window'], thumbnailSize: { width: 0, height: 0 } }).then(
      (sources) => {
        const choices = captureChoices(sources);
        let answered = false;
        const answer = (id: string | undefined): void => {
          if (answered) return;
          answered = true;
          const source = sources.find((candidate) => candidate.id === id);
          if (source !== undefined) onPick(source);
          callback(source === undefined ? {} : { video: source });
        };
        const menu = Menu.buildFromTemplate([
          { label: 'Share with your helper:', enabled: false },
          ...choices.map((choice) => ({ label: choice.label, click: () => answer(choice.id) })),
          { type: 'separator' },
          { label: 'Cancel', click: () => answer(undefined) },
        ]);
        // A click runs after the menu closes; closing without one is a cancel.
        menu.popup({ callback: () => setImmediate(() => answer(undefined)) });
      },
      () => callback({}),
    );
  });
}
