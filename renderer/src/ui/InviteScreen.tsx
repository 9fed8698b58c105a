import { useEffect, useMemo, useState } from 'react';
import type { Invite, InviteDescription, InviteImportResult, Reachability } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import { joinProgress } from '../model/contact.js';
import { qrDataUrl } from '../model/qr.js';
import { copyText } from './desktop.js';
import { useKith } from './store-context.js';
import { useNow } from './use-now.js';

/** While the router is being asked, the report is read again this often, this many times at most. */
const CHECK_AGAIN_MS = 1500;
const CHECKS = 40;

export function InviteScreen() {
  const create = useKith((s) => s.createInvite);
  const describeInvite = useKith((s) => s.describeInvite);
  const importInvite = useKith((s) => s.importInvite);
  const [invite, setInvite] = useState<{ invite: Invite; qr: string } | undefined>(undefined);
  const [device, setDevice] = useState('');
  const [createProblem, setCreateProblem] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState('');
  const [link, setLink] = useState('');
  const [joining, setJoining] = useState(false);
  const [joined, setJoined] = useState<InviteImportResult | undefined>(undefined);
  /** The network being joined and when Join was pressed. */
  const [joinedCommunity, setJoinedCommunity] = useState<{ name: string; since: number } | undefined>(undefined);
  // What the pasted link would do, from the engine, shown before Join; Join waits for it.
  const [pasted, setPasted] = useState<{ link: string; description: InviteDescription } | undefined>(undefined);
  const trimmed = link.trim();
  useEffect(() => {
    if (trimmed === '') return;
    let current = true;
    describeInvite(trimmed).then(
      (description) => current && setPasted({ link: trimmed, description }),
      (error: unknown) => current && setPasted({ link: trimmed, description: { ok: false, message: errorMessage(error) } }),
    );
    return () => {
      current = false;
    };
  }, [trimmed, describeInvite]);
  const description = pasted?.link === trimmed && trimmed !== '' ? pasted.description : undefined;
  const summary = description?.ok === true ? description.summary : undefined;

  const onCreate = async (): Promise<void> => {
    setCreateProblem(undefined);
    setCopied('');
    try {
      const made = await create(device);
      setInvite({ invite: made, qr: await qrDataUrl(made.link) });
    } catch (error) {
      setCreateProblem(errorMessage(error));
    }
  };
  const onJoin = async (): Promise<void> => {
    setJoining(true);
    setJoined(undefined);
    setJoinedCommunity(summary === undefined ? undefined : { name: summary.community, since: Date.now() });
    try {
      setJoined(await importInvite(trimmed));
    } catch (error) {
      setJoined({ ok: false, message: errorMessage(error) });
    } finally {
      setJoining(false);
    }
  };

  return (
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite</h2>
      <aside className="hint intro" aria-labelledby="invite-help-heading">
        <h3 id="invite-help-heading">Helping a relative?</h3>
        <p>
          Create an invite below and send them the link, or let them scan the QR code. They install Kith, paste the link under “Invite to join” and click Join. Their computer then
          shows up under <strong>Peers</strong>, where “See screen” asks them to show you their screen: once they allow it, you see it and can point at things and talk.
        </p>
      </aside>
      <div className="card">
        <h3>Invite someone</h3>
        <ReachabilityReport />
        <p className="muted">The invite holds everything needed to join this network, including its key: send it only to people you trust.</p>
        <div className="field">
          <label htmlFor="invite-device">Name of their computer (optional)</label>
          <input id="invite-device" value={device} maxLength={15} placeholder="e.g. mum-laptop" onChange={(e) => setDevice(e.target.value)} autoComplete="off" spellCheck={false} />
          <span className="hint-text">Shown under Peers, where you can remove it later. Letters, digits, dots and dashes.</span>
        </div>
        <button type="button" className="primary" onClick={() => void onCreate()}>
          Create invite
        </button>
        {createProblem !== undefined && (
          <p className="problem" role="alert">
            {createProblem}
          </p>
        )}
        {invite !== undefined && (
          <div className="invite">
            <div className="field">
              <label htmlFor="invite-link">Invite link</label>
              <div className="with-button">
                <textarea id="invite-link" readOnly rows={3} value={invite.invite.link} onFocus={(e) => e.target.select()} spellCheck={false} />
                <button
                  type="button"
                  className="small"
                  onClick={() =>
                    void copyText(invite.invite.link).then(
                      () => setCopied('Link copied'),
                      (error: unknown) => setCopied(`Could not copy: ${errorMessage(error)}`),
                    )
                  }
                >
                  Copy link
                </button>
              </div>
              <span className="saved" aria-live="polite">
                {copied}
              </span>
              {invite.invite.expires !== undefined && (
                <p className="muted">
                  It lets one computer{invite.invite.device === undefined ? '' : `, “${invite.invite.device}”,`} in, until {new Date(invite.invite.expires).toLocaleString()}.
                </p>
              )}
            </div>
            <img className="qr" src={invite.qr} alt={`QR code of the invite to ${invite.invite.community}`} width={200} height={200} />
          </div>
        )}
      </div>
      <div className="card">
        <h3>Join with an invite</h3>
        <div className="field">
          <label htmlFor="invite-import">Invite to join</label>
          <div className="with-button">
            <input id="invite-import" value={link} placeholder="kith://join?…" onChange={(e) => setLink(e.target.value)} spellCheck={false} autoComplete="off" />
            <button type="button" className="primary" disabled={joining || summary === undefined} onClick={() => void onJoin()}>
              Join
            </button>
          </div>
        </div>
        {summary !== undefined && (
          <dl className="facts" aria-label="What joining this network does">
            <dt>Network</dt>
            <dd>{summary.community}</dd>
            <dt>Supernodes</dt>
            <dd>{summary.supernodes}</dd>
            <dt>This computer's address</dt>
            <dd>{summary.address}</dd>
            <dt>Encryption</dt>
            <dd>{summary.encryption}</dd>
            {summary.access !== undefined && (
              <>
                <dt>Who</dt>
                <dd>{summary.access}</dd>
              </>
            )}
          </dl>
        )}
        {description?.ok === false && <p className="problem">{description.message}</p>}
        {joining && <p className="muted">Joining…</p>}
        {joined?.ok === false && (
          <p className="problem" role="alert">
            Could not join: {joined.message}
          </p>
        )}
        {joined?.ok === true && joinedCommunity !== undefined && <JoinProgress community={joinedCommunity.name} since={joinedCommunity.since} />}
      </div>
    </section>
  );
}

/** Where the active network can be reached from, before an invite is made (kith.reachability). */
function ReachabilityReport() {
  const read = useKith((s) => s.reachability);
  const profile = useKith((s) => s.settings?.profile);
  const [report, setReport] = useState<Reachability | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (left: number): void => {
      read().then(
        (answer) => {
          if (!current) return;
          setReport(answer);
          setProblem(undefined);
          if (answer.scope === 'checking' && left > 0) timer = setTimeout(() => ask(left - 1), CHECK_AGAIN_MS);
        },
        (error: unknown) => current && setProblem(errorMessage(error)),
      );
    };
    ask(CHECKS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [read, profile]);
  if (problem !== undefined) return <p className="problem">{problem}</p>;
  if (report === undefined) return null;
  return (
    <div className={`reach reach-${report.scope}`} role="status" aria-label="Where this network can be reached from">
      <p className="reach-message">{report.message}</p>
      {report.advice !== undefined && <p>What you can do: {report.advice}</p>}
      {(report.publicAddress !== undefined || report.publicAddress6 !== undefined || report.lanAddress !== undefined) && (
        <p className="muted">
          {report.publicAddress !== undefined && `Public address ${report.publicAddress}. `}
          {report.publicAddress6 !== undefined && `Public IPv6 address ${report.publicAddress6}. `}
          {report.lanAddress !== undefined && `In this home: ${report.lanAddress}.`}
        </p>
      )}
    </div>
  );
}

/** After Join: reaching the host, connected (and to whom, how), or why not, as the engine reports it. */
function JoinProgress({ community, since }: { community: string; since: number }) {
  const now = useNow(1000);
  const status = useKith((s) => s.status);
  const peersByMac = useKith((s) => s.peers);
  const connectedTo = useKith((s) => s.connectedTo);
  const peers = useMemo(() => Object.values(peersByMac), [peersByMac]);
  const line = joinProgress(community, status, peers, connectedTo.includes(community), now - since, now);
  return (
    <p className={line.tone === 'done' ? 'saved' : line.tone === 'problem' ? 'problem' : 'muted'} role="status" aria-label="Joining">
      {line.text}
    </p>
  );
}
