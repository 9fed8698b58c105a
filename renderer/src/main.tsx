import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { findBridge } from './client/bridge.js';
import { connectClient } from './client/client.js';
import { LOGIN_PATH } from './client/login.js';
import { browserMedia } from './help/browser-media.js';
import { clientHelpLink } from './help/client-help-link.js';
import { createHelpStore } from './store/help-store.js';
import { createKithStore } from './store/store.js';
import { App } from './ui/App.js';
import { HelpBannerWindow, PointerOverlay } from './ui/HelpWindows.js';
import { LoginPage } from './ui/LoginPage.js';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
const bridge = findBridge();
// In a browser the engine wants a session: without one, its 401 leads to the sign-in page.
const signingIn = bridge === undefined && window.location.pathname === LOGIN_PATH;

/** The page's routes: the main window, or one of the help session's small windows (electron/help-windows.ts). */
function app() {
  const client = connectClient(bridge, () => window.location.assign(LOGIN_PATH));
  if (bridge !== undefined && window.location.hash === '#help-banner') return <HelpBannerWindow link={clientHelpLink(client)} />;
  if (bridge !== undefined && window.location.hash === '#help-pointer') return <PointerOverlay bridge={bridge} />;
  // In Electron the helper's pointer goes to main, which draws it on the screen (an overlay window).
  const help = createHelpStore(clientHelpLink(client), browserMedia, bridge === undefined ? undefined : (mark) => void bridge.help.pointer(mark ?? null));
  return <App store={createKithStore(client)} help={help} />;
}

createRoot(root).render(<StrictMode>{signingIn ? <LoginPage /> : app()}</StrictMode>);
