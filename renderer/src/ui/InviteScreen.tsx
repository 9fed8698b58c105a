import { useEffect, useState } from 'react';
import type { Invite, InviteDescription, InviteImportResult } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import { qrDataUrl } from '../model/qr.js';
import { copyText } from './desktop.js';
import { useKith } from './store-context.js';

export function InviteScreen() {
  const create = useKith((s) => s.createInvite);
  const describeInvite = useKith((s) => s.describeInvite);
  const importInvite = useKith((s) => s.importInvite);
  const [invite, setInvite] = useState<{ invite: Invite; qr: string } | undefined>(undefined);
  const [createProblem, setCreateProblem] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState('');
  const [link, setLink] = useState('');
  const [joining, setJoining] = useState(false);
  const [joined, setJoined] = useState<InviteImportResult | undefined>(undefined);
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
      const made = await create();
      setInvite({ invite: made, qr: await qrDataUrl(made.link) });
    } catch (error) {
      setCreateProblem(errorMessage(error));
    }
  };
  const onJoin = async (): Promise<void> => {
    setJoining(true);
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
          shows up under <strong>Peers</strong>, where “Remote desktop” lets you see their screen and help.
        </p>
      </aside>
      <div className="card">
        <h3>Invite someone</h3>
        <p className="muted">The invite holds everything needed to join this network, including its key: send it only to people you trust.</p>
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
          </dl>
        )}
        {description?.ok === false && <p className="problem">{description.message}</p>}
        {joined !== undefined && (
          <p className={joined.ok ? 'saved' : 'problem'} role={joined.ok ? undefined : 'alert'}>
            {joined.ok ? `Joined: the network “${joined.profile}” is now active and connecting.` : `Could not join: ${joined.message}`}
          </p>
        )}
      </div>
    </section>
  );
}
