import { useState, type FormEvent } from 'react';
import type { ProfileSummary } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import { Confirm } from './Confirm.js';
import { useKith } from './store-context.js';
import { useNetworkSwitch } from './use-network-switch.js';

/** The networks of this computer (issue 12 item 6): add, rename, switch (asked first), leave or delete. */
export function NetworksScreen() {
  const profiles = useKith((s) => s.profiles);
  const createNetwork = useKith((s) => s.createNetwork);
  const { request, question } = useNetworkSwitch();
  const [name, setName] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  const onAdd = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const wanted = name.trim();
    try {
      await createNetwork(wanted);
      setName('');
      setOutcome({ ok: true, text: `Added “${wanted}”: a new encrypted network hosted on this computer. Switch to it to invite people into it.` });
    } catch (error) {
      setOutcome({ ok: false, text: errorMessage(error) });
    }
  };

  return (
    <section aria-labelledby="networks-heading">
      <h2 id="networks-heading">Networks</h2>
      <p className="muted">This computer is in one network at a time. To join someone else's network, paste their invite on the Invite screen.</p>
      {question}
      <ul className="network-list" aria-label="Networks on this computer">
        {profiles.map((profile) => (
          <NetworkRow key={profile.name} profile={profile} onSwitch={() => request(profile.name)} onOutcome={setOutcome} />
        ))}
      </ul>
      {outcome !== undefined && (
        <p className={outcome.ok ? 'saved' : 'problem'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      <form className="card" onSubmit={(event) => void onAdd(event)}>
        <h3>Add a network</h3>
        <div className="field">
          <label htmlFor="network-new-name">Name of the new network</label>
          <div className="with-button">
            <input id="network-new-name" value={name} placeholder="e.g. family" onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} />
            <button type="submit" className="primary" disabled={name.trim() === ''}>
              Add network
            </button>
          </div>
        </div>
        <p className="muted">Kith makes it encrypted, with its own key, and hosts it on this computer.</p>
      </form>
    </section>
  );
}

function NetworkRow({ profile, onSwitch, onOutcome }: { profile: ProfileSummary; onSwitch: () => void; onOutcome: (outcome: { ok: boolean; text: string }) => void }) {
  const renameNetwork = useKith((s) => s.renameNetwork);
  const deleteNetwork = useKith((s) => s.deleteNetwork);
  const [renaming, setRenaming] = useState<string | undefined>(undefined);
  const [leaving, setLeaving] = useState(false);
  const leave = profile.hosted ? 'Delete' : 'Leave';

  const onRename = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const to = (renaming ?? '').trim();
    try {
      await renameNetwork(profile.name, to);
      setRenaming(undefined);
      onOutcome({ ok: true, text: `Renamed “${profile.name}” to “${to}”.` });
    } catch (error) {
      onOutcome({ ok: false, text: errorMessage(error) });
    }
  };
  const onLeave = async (): Promise<void> => {
    setLeaving(false);
    try {
      await deleteNetwork(profile.name);
      onOutcome({ ok: true, text: profile.hosted ? `Deleted “${profile.name}”.` : `Left “${profile.name}”.` });
    } catch (error) {
      onOutcome({ ok: false, text: errorMessage(error) });
    }
  };

  return (
    <li className="card network" aria-label={profile.name}>
      {renaming === undefined ? (
        <div className="network-head">
          <span className="network-name">{profile.name}</span>
          {profile.active && <span className="badge">Active</span>}
        </div>
      ) : (
        <form className="with-button" onSubmit={(event) => void onRename(event)}>
          <input aria-label={`New name for ${profile.name}`} value={renaming} onChange={(e) => setRenaming(e.target.value)} autoComplete="off" spellCheck={false} />
          <button type="submit" className="primary small" disabled={renaming.trim() === '' || renaming.trim() === profile.name}>
            Save name
          </button>
          <button type="button" className="small" onClick={() => setRenaming(undefined)}>
            Cancel
          </button>
        </form>
      )}
      <p className="muted">
        {profile.hosted ? 'Hosted on this computer' : 'Joined with an invite'} · community {profile.community === '' ? 'unreadable' : profile.community}
      </p>
      {leaving && (
        <Confirm title={`${leave} “${profile.name}”?`} action={`${leave} network`} danger onConfirm={() => void onLeave()} onCancel={() => setLeaving(false)}>
          <p>
            {profile.hosted
              ? 'This computer deletes the network, its key and the devices you invited into it: the computers that joined it can no longer meet here.'
              : 'This computer forgets the network and its key: joining it again needs a new invite.'}
            {profile.active && ' This computer switches to another of its networks first.'}
          </p>
        </Confirm>
      )}
      <div className="action-row">
        {!profile.active && (
          <button type="button" className="small" onClick={onSwitch}>
            Switch to this network
          </button>
        )}
        <button type="button" className="small" onClick={() => setRenaming(profile.name)}>
          Rename
        </button>
        <button type="button" className="small" onClick={() => setLeaving(true)}>
          {leave}
        </button>
      </div>
    </li>
  );
}
