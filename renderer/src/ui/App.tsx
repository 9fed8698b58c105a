import { useEffect, useState } from 'react';
import { findBridge } from '../client/bridge.js';
import { stateText } from '../model/format.js';
import type { HelpStore } from '../store/help-store.js';
import type { KithStore } from '../store/store.js';
import { AskForHelpScreen } from './AskForHelpScreen.js';
import { ConnectScreen } from './ConnectScreen.js';
import { DiagnosticsScreen } from './DiagnosticsScreen.js';
import { HelpContext } from './help-context.js';
import { HelpPanel } from './HelpPanel.js';
import { InviteScreen } from './InviteScreen.js';
import { Nav, panelId, tabId, type Screen } from './Nav.js';
import { NetworksScreen } from './NetworksScreen.js';
import { PeersScreen } from './PeersScreen.js';
import { SettingsScreen } from './SettingsScreen.js';
import { StoreContext, useKith } from './store-context.js';
import { SupernodesScreen } from './SupernodesScreen.js';
import { ThemeToggle } from './ThemeToggle.js';

export function App({ store, help }: { store: KithStore; help: HelpStore }) {
  useEffect(() => store.getState().start(), [store]);
  useEffect(() => help.getState().start(), [help]);
  return (
    <StoreContext.Provider value={store}>
      <HelpContext.Provider value={help}>
        <Shell />
      </HelpContext.Provider>
    </StoreContext.Provider>
  );
}

function Shell() {
  const [screen, setScreen] = useState<Screen>('Connect');
  // The tray's "Ask for help…" (desktop app) opens that screen.
  useEffect(() => findBridge()?.help.onAskForHelp(() => setScreen('Ask for help')), []);
  return (
    <div className="shell">
      <header className="top">
        <h1 className="brand">Kith</h1>
        <StatusLine />
        <ThemeToggle />
      </header>
      <nav className="side" aria-label="Kith">
        <Nav current={screen} onSelect={setScreen} />
      </nav>
      <main id={panelId(screen)} className="panel" role="tabpanel" aria-labelledby={tabId(screen)} tabIndex={-1}>
        <ProblemBanner />
        <HelpPanel />
        {screen === 'Connect' && <ConnectScreen />}
        {screen === 'Peers' && <PeersScreen />}
        {screen === 'Ask for help' && <AskForHelpScreen />}
        {screen === 'Supernodes' && <SupernodesScreen />}
        {screen === 'Networks' && <NetworksScreen />}
        {screen === 'Network settings' && <SettingsScreen />}
        {screen === 'Invite' && <InviteScreen />}
        {screen === 'Diagnostics' && <DiagnosticsScreen />}
      </main>
    </div>
  );
}

function StatusLine() {
  const status = useKith((s) => s.status);
  const link = useKith((s) => s.link);
  const state = link === 'down' ? 'offline' : (status?.state ?? 'starting');
  return (
    <p className={`status-line state-${state}`} role="status">
      <span className="dot" aria-hidden="true" />
      {link === 'down' ? "Kith's engine is not running" : stateText(status)}
    </p>
  );
}

function ProblemBanner() {
  const problem = useKith((s) => s.problem);
  if (problem === undefined) return null;
  return (
    <p className="banner" role="alert">
      {problem}
    </p>
  );
}
