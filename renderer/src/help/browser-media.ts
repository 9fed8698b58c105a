// Capture for the help session through the browser's own APIs. In Electron the same call reaches
// main's display-media handler, which shows Kith's picker of screens and windows
// (electron/help-capture.ts); in a browser, the browser's own picker.
import type { HelpMedia } from '../store/help-store.js';

/** A screen picture for a person to follow, not a film: a modest frame rate keeps the VPN light. */
const SCREEN_FRAME_RATE = 15;

export const browserMedia: HelpMedia = {
  screen: () => navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: SCREEN_FRAME_RATE } }, audio: false }),
  microphone: () => navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: false }),
};
