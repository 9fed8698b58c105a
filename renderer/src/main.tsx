import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectClient } from './client/client.js';
import { createKithStore } from './store/store.js';
import { App } from './ui/App.js';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
const store = createKithStore(connectClient());
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
