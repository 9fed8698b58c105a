import { useMemo } from 'react';
import { answeringPeers, connectButton, connectionSummary, formatRtt, pathSentence, peerName } from '../model/format.js';
import { refusalText, refusedByHost } from '../model/contact.js';
import { sortPeers } from '../model/peers-table.js';
import { StartAtLogin } from './StartAtLogin.js';
import { useKith } from './store-context.js';
import { useNow } from './use-now.js';

/** How many peers the Connect screen names; the rest are on the Peers screen. */
const PEERS_SHOWN = 5;

export function ConnectScreen() {
  const status = useKith((s) => s.status);
  const link = useKith((s) => s.link);
  const peersByMac = useKith((s) => s.peers);
  const switching = useKith((s) => s.switching);
  const actionProblem = useKith((s) => s.actionProblem);
  const connect = useKith((s) => s.connect);
  const disconnect = useKith((s) => s.disconnect);
  const network = useKith((s) => s.profiles.find((profile) => profile.active));
  const connectedTo = useKith((s) => s.connectedTo);
  const button = connectButton(status?.state, switching);
  // The TAP keeps its address after a disconnect, but nobody can reach it there until reconnected.
  const address = status?.state === 'stopped' ? undefined : status?.address;
  // Online means answering: a peer that fell silent waits on the Peers screen until it is removed.
  const peers = useMemo(() => sortPeers(answeringPeers(Object.values(peersByMac)), { column: 'name', direction: 'ascending' }), [peersByMac]);
  const now = useNow(5000);
  const connected = status?.state === 'registered' && link !== 'down';
  return (
    <section aria-labelledby="connect-heading">
      <h2 id="connect-heading">Connect</h2>
      {network !== undefined && (
        <p className="active-network">
          Network: <strong>{network.name}</strong>
          {network.community !== network.name && network.community !== '' && <span className="muted"> · community {network.community}</span>}
        </p>
      )}
      {/* A refusal by the network's host replaces the summary: it says in words what happened. */}
      {refusedByHost(status) ? (
        <p className="problem" role="alert">
          {refusalText(status?.community ?? '', connectedTo.includes(status?.community ?? ''))}
        </p>
      ) : (
        <p className="summary">{connectionSummary(status, peers.length, link === 'down')}</p>
      )}
      <div className="card connect-card">
        <button type="button" className={`big-button ${button.label === 'Connect' ? 'primary' : 'secondary'}`} disabled={button.disabled} onClick={() => void (button.label === 'Connect' ? connect() : disconnect())}>
          {button.label}
        </button>
        {actionProblem !== undefined && (
          <p className="problem" role="alert">
            {actionProblem}
          </p>
        )}
        <dl className="facts">
          <dt id="your-address-label">Your address</dt>
          <dd aria-labelledby="your-address-label">{address === undefined ? (status?.state === 'stopped' ? 'none while disconnected' : 'none yet') : address.split('/')[0]}</dd>
          <dt>Network</dt>
          <dd>{status?.community ?? '—'}</dd>
          <dt>Supernode</dt>
          <dd>{status?.supernode ?? 'none selected'}</dd>
          <dt>Supernode round trip</dt>
          <dd>{formatRtt(status?.supernodeRttMs)}</dd>
        </dl>
      </div>
      {connected && (
        <div className="card online">
          <h3>Computers online</h3>
          {peers.length === 0 ? (
            <p className="muted">No other computers are online in this network yet. Send someone an invite to add their computer.</p>
          ) : (
            <ul className="online-list">
              {peers.slice(0, PEERS_SHOWN).map((peer) => (
                <li key={peer.mac}>
                  <span className="online-name">{peerName(peer)}</span>
                  <span className={peer.path === 'direct' ? 'path-ok' : 'path-slow'}>{pathSentence(peer, now)}</span>
                </li>
              ))}
              {peers.length > PEERS_SHOWN && <li className="muted">and {peers.length - PEERS_SHOWN} more: see Peers</li>}
            </ul>
          )}
        </div>
      )}
      <StartAtLogin />
      <aside className="hint" aria-labelledby="help-relative-heading">
        <h3 id="help-relative-heading">Helping a relative?</h3>
        <p>
          Open <strong>Invite</strong>, create an invite and send them the link or let them scan the QR code. Once they join, their computer appears under <strong>Peers</strong>, which says
          whether a help session is possible: choose “See screen” there, and once they allow it you see their screen and can point at things and talk. On their computer,{' '}
          <strong>Ask for help</strong> tells you they need you.
        </p>
      </aside>
    </section>
  );
}
