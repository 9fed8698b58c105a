import { formatAgo, formatRtt } from '../model/format.js';
import { useKith } from './store-context.js';
import { useNow } from './use-now.js';

export function SupernodesScreen() {
  const supernodes = useKith((s) => s.supernodes);
  const now = useNow(5000);
  return (
    <section aria-labelledby="supernodes-heading">
      <h2 id="supernodes-heading">Supernodes</h2>
      <p className="muted">Supernodes introduce peers to each other and relay traffic when a direct connection is not possible.</p>
      <div className="table-wrap">
        <table aria-label="Supernodes" className="data">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">RTT</th>
              <th scope="col">Selected</th>
              <th scope="col">Last seen</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {supernodes.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  No supernodes configured. Add one under Network settings, or join with an invite.
                </td>
              </tr>
            )}
            {supernodes.map((sn) => (
              <tr key={sn.socket}>
                <th scope="row" className="mono">
                  {sn.host === sn.socket || sn.host === '' ? sn.socket : `${sn.host} (${sn.socket})`}
                </th>
                <td className="num">{formatRtt(sn.rttMs)}</td>
                <td>{sn.selected ? <span className="badge direct">{sn.waiting ? 'Selected, waiting' : 'Selected'}</span> : <span className="muted">No</span>}</td>
                <td>{formatAgo(sn.lastSeen, now)}</td>
                <td>{sn.version || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
