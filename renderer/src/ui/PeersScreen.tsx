import { Fragment, useMemo, useState, type ReactNode } from 'react';
import type { PeerView, PingResult } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import { formatAgo, formatBytes, formatRtt, pathSentence, peerName, peersEmptyText, peerStateTitle } from '../model/format.js';
import { filterPeers, nextSort, remoteDesktopUrl, sortPeers, sshUrl, type PeerColumn, type PeerSort } from '../model/peers-table.js';
import { availabilityOf } from '../help/help-status.js';
import { availabilityWords } from '../help/help-words.js';
import { ActionsMenu } from './ActionsMenu.js';
import { copyText, openExternal, platformName } from './desktop.js';
import { DevicesCard } from './DevicesCard.js';
import { useHelp } from './help-context.js';
import { useKith } from './store-context.js';
import { useNow } from './use-now.js';

/** The MAC shares the name's column (a second line under the name) and sorts from its header. */
const COLUMNS: readonly { readonly column: PeerColumn; readonly label: string }[] = [
  { column: 'ip', label: 'VPN IP' },
  { column: 'path', label: 'Path' },
  { column: 'rtt', label: 'RTT' },
  { column: 'traffic', label: 'Traffic' },
  { column: 'lastSeen', label: 'Last seen' },
];

interface PingState {
  readonly ip: string;
  readonly result?: PingResult;
  readonly problem?: string;
}

export function PeersScreen() {
  const peersByMac = useKith((s) => s.peers);
  const state = useKith((s) => s.status?.state);
  const ping = useKith((s) => s.ping);
  const now = useNow(5000);
  const [sort, setSort] = useState<PeerSort>({ column: 'name', direction: 'ascending' });
  const [filter, setFilter] = useState('');
  const [pinging, setPinging] = useState<PingState | undefined>(undefined);
  const [notice, setNotice] = useState('');
  const rows = useMemo(() => sortPeers(filterPeers(Object.values(peersByMac), filter), sort), [peersByMac, filter, sort]);
  const total = Object.keys(peersByMac).length;

  const runPing = async (ip: string): Promise<void> => {
    setPinging({ ip });
    try {
      setPinging({ ip, result: await ping(ip) });
    } catch (error) {
      setPinging({ ip, problem: errorMessage(error) });
    }
  };
  const copyIp = async (ip: string): Promise<void> => {
    try {
      await copyText(ip);
      setNotice(`Copied ${ip}`);
    } catch (error) {
      setNotice(`Could not copy: ${errorMessage(error)}`);
    }
  };

  return (
    <section aria-labelledby="peers-heading">
      <h2 id="peers-heading">Peers</h2>
      <div className="toolbar">
        <label className="filter">
          <span>Filter peers</span>
          <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="Name, address or MAC" />
        </label>
        <span className="muted">
          {rows.length === total ? `${total} ${total === 1 ? 'peer' : 'peers'}` : `${rows.length} of ${total} peers`}
        </span>
        <span className="notice" aria-live="polite">
          {notice}
        </span>
      </div>
      <div className="table-wrap">
        <table aria-label="Peers" className="data">
          <thead>
            <tr>
              <th scope="col" className="name-col" aria-sort={sort.column === 'name' || sort.column === 'mac' ? sort.direction : 'none'}>
                <SortButton column="name" label="Name" sort={sort} onSort={setSort} />
                <span aria-hidden="true" className="muted">
                  {' / '}
                </span>
                <SortButton column="mac" label="MAC" sort={sort} onSort={setSort} />
              </th>
              {COLUMNS.map(({ column, label }) => (
                <th key={column} scope="col" aria-sort={sort.column === column ? sort.direction : 'none'}>
                  <SortButton column={column} label={label} sort={sort} onSort={setSort} />
                </th>
              ))}
              <th scope="col">Help</th>
              <th scope="col" className="actions-col">
                Actions
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length + 3} className="empty">
                  {total === 0 ? peersEmptyText(state) : 'No peer matches the filter.'}
                </td>
              </tr>
            )}
            {rows.map((peer) => (
              <PeerRow key={peer.mac} peer={peer} now={now} onCopy={copyIp} onPing={runPing} />
            ))}
          </tbody>
        </table>
      </div>
      {pinging !== undefined && (
        <div className="card ping" aria-live="polite">
          <h3>Ping {pinging.ip}</h3>
          {pinging.result === undefined && pinging.problem === undefined && <p>Pinging…</p>}
          {pinging.problem !== undefined && <p className="problem">{pinging.problem}</p>}
          {pinging.result !== undefined && (
            <>
              <p>{pinging.result.ok ? 'The peer answered.' : 'No answer.'}</p>
              <pre className="output">{pinging.result.output.join('\n')}</pre>
            </>
          )}
        </div>
      )}
      <DevicesCard />
    </section>
  );
}

function PeerRow({ peer, now, onCopy, onPing }: { peer: PeerView; now: number; onCopy: (ip: string) => Promise<void>; onPing: (ip: string) => Promise<void> }) {
  const ip = peer.vpnIpv4;
  const name = peerName(peer);
  const help = availabilityOf(useHelp((s) => s.status), peer.mac);
  const request = useHelp((s) => s.request);
  const seeScreen = { text: 'See screen', label: `See ${name}'s screen`, run: () => void request(peer.mac) };
  return (
    <tr className={peer.answering ? undefined : 'silent'}>
      <th scope="row" className="name">
        <span className={peer.description.trim() === '' ? 'name-main mono' : 'name-main'}>{name}</span>
        {name !== peer.mac && (
          <span className="name-sub mono">
            <span className="visually-hidden">MAC </span>
            {peer.mac}
          </span>
        )}
      </th>
      <td className="mono">{ip ?? '—'}</td>
      <td>
        <span className={`badge ${peer.answering ? peer.path : 'silent'}`} title={pathSentence(peer, now)}>
          {peer.path === 'direct' || !peer.answering ? (
            <>
              {peerStateTitle(peer)}
              {/* Which family the direct path uses: a peer reachable over both shows the one in use. */}
              {peer.path === 'direct' && peer.answering && peer.family !== undefined && <span className="badge-via"> over {peer.family}</span>}
            </>
          ) : (
            <>
              <span className="badge-part">Relayed</span>
              <span className="badge-via">{breakable(peerStateTitle(peer).slice('Relayed'.length))}</span>
            </>
          )}
        </span>
        <span className="visually-hidden">{` — ${pathSentence(peer, now)}`}</span>
      </td>
      <td className="num">{peer.answering ? formatRtt(peer.rttMs) : '—'}</td>
      <td className="num traffic">
        <span>
          <span aria-hidden="true">↓ </span>
          <span className="visually-hidden">in </span>
          {formatBytes(peer.traffic.bytesIn)}
        </span>
        <span>
          <span aria-hidden="true">↑ </span>
          <span className="visually-hidden">out </span>
          {formatBytes(peer.traffic.bytesOut)}
        </span>
      </td>
      <td>{formatAgo(peer.lastSeen, now)}</td>
      <td className="help-cell">{availabilityWords(help)}</td>
      <td className="actions">
        {ip !== undefined && (
          <div className="action-row">
            <button type="button" className="small" onClick={() => void onCopy(ip)}>
              Copy IP
            </button>
            {help.possible && (
              <button type="button" className="small" aria-label={seeScreen.label} onClick={seeScreen.run}>
                {seeScreen.text}
              </button>
            )}
            <ActionsMenu
              label={`More actions for ${name}`}
              actions={[
                ...(help.possible ? [seeScreen] : []),
                { text: 'Remote desktop', label: `Remote desktop to ${name}`, run: () => void openExternal(remoteDesktopUrl(ip, platformName())) },
                { text: 'SSH', label: `SSH to ${name}`, run: () => void openExternal(sshUrl(ip)) },
                { text: 'Ping', label: `Ping ${name}`, run: () => void onPing(ip) },
              ]}
            />
          </div>
        )}
      </td>
    </tr>
  );
}

function SortButton({ column, label, sort, onSort }: { column: PeerColumn; label: string; sort: PeerSort; onSort: (sort: PeerSort) => void }) {
  return (
    <button type="button" className="sort" onClick={() => onSort(nextSort(sort, column))}>
      {label}
      <span aria-hidden="true" className="sort-mark">
        {sort.column === column ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
      </span>
    </button>
  );
}

/** "via sn.example.net:7654" may wrap before the port and after dots, not in the middle of a word. */
function breakable(text: string): ReactNode {
  const parts = text.split(/(?<=\.)|(?=:)/);
  return parts.map((part, index) => (
    <Fragment key={index}>
      {index > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}
