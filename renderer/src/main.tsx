import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { findBridge } from './client/bridge.js';
import { connectClient } from './client/client.js';
import { LOGIN_PATH } from './client/login.js';
import { createKithStore } from './store/store.js';
import { App } from './ui/App.js';
import { LoginPage } from './ui/LoginPage.js';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
const bridge = findBridge();
// In a browser the engine wants a session: without one, its 401 leads to the sign-in page.
const signingIn = bridge === undefined && window.location.pathname === LOGIN_PATH;
createRoot(root).render(
  <StrictMode>{signingIn ? <LoginPage /> : <App store={createKithStore(connectClient(bridge, () => window.location.assign(LOGIN_PATH)))} />}</StrictMode>,
);
