import { connectButton, formatRtt } from '../model/format.js';
import { useKith } from './store-context.js';

export function ConnectScreen() {
  const status = useKith((s) => s.status);
  const switching = useKith((s) => s.switching);
  const actionProblem = useKith((s) => s.actionProblem);
  const connect = useKith((s) => s.connect);
  const disconnect = useKith((s) => s.disconnect);
  const button = connectButton(status?.state, switching);
  const address = status?.address;
  return (
    <section aria-labelledby="connect-heading">
      <h2 id="connect-heading">Connect</h2>
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
          <dd aria-labelledby="your-address-label">{address === undefined ? 'none yet' : address.split('/')[0]}</dd>
          <dt>Network</dt>
          <dd>{status?.community ?? '—'}</dd>
          <dt>Supernode</dt>
          <dd>{status?.supernode ?? 'none selected'}</dd>
          <dt>Supernode round trip</dt>
          <dd>{formatRtt(status?.supernodeRttMs)}</dd>
        </dl>
      </div>
      <aside className="hint" aria-labelledby="help-relative-heading">
        <h3 id="help-relative-heading">Help a relative</h3>
        <p>
          Open <strong>Invite</strong>, create an invite and send them the link or let them scan the QR code. Once they join, they appear under <strong>Peers</strong>: choose
          “Remote desktop” or “SSH” there to reach their computer.
        </p>
      </aside>
    </section>
  );
}
