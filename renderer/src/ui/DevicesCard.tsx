import { useCallback, useEffect, useState } from 'react';
import type { InvitedDevice } from '../../../engine/profiles/api.js';
import { errorMessage } from '../client/errors.js';
import { Confirm } from './Confirm.js';
import { useKith } from './store-context.js';

const STATE_WORDS: Readonly<Record<InvitedDevice['state'], string>> = {
  joined: 'Joined',
  waiting: 'Invite not used yet',
  expired: 'Invite expired unused',
};

/**
 * The devices invited into the network hosted here, each with "Remove from this network" (issue 12
 * item 5). Read again whenever the peers change: a device that joins shows up as a peer.
 */
export function DevicesCard() {
  const hosted = useKith((s) => s.profiles.find((profile) => profile.active)?.hosted === true);
  const peerCount = useKith((s) => Object.keys(s.peers).length);
  const readDevices = useKith((s) => s.devices);
  const removeDevice = useKith((s) => s.removeDevice);
  const [devices, setDevices] = useState<readonly InvitedDevice[]>([]);
  const [asked, setAsked] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  const reload = useCallback(async (): Promise<void> => {
    try {
      setDevices(await readDevices());
    } catch (error) {
      setOutcome({ ok: false, text: errorMessage(error) });
    }
  }, [readDevices]);
  useEffect(() => {
    if (hosted) void reload();
  }, [hosted, peerCount, reload]);
  if (!hosted) return null;

  const onRemove = async (name: string): Promise<void> => {
    setAsked(undefined);
    try {
      await removeDevice(name);
      setOutcome({ ok: true, text: `Removed “${name}” from this network.` });
    } catch (error) {
      setOutcome({ ok: false, text: errorMessage(error) });
    }
    await reload();
  };

  return (
    <div className="card" aria-labelledby="devices-heading">
      <h3 id="devices-heading">Invited devices</h3>
      {devices.length === 0 ? (
        <p className="muted">No devices invited yet. Each invite you create on the Invite screen lets one device in.</p>
      ) : (
        <ul className="device-list" aria-label="Invited devices">
          {devices.map((device) => (
            <li key={device.name} aria-label={device.name}>
              <span className="device-name">{device.name}</span>
              <span className="muted">{device.state === 'waiting' ? `${STATE_WORDS.waiting} (until ${new Date(device.expires).toLocaleString()})` : STATE_WORDS[device.state]}</span>
              <button type="button" className="small" onClick={() => setAsked(device.name)}>
                Remove from this network
              </button>
            </li>
          ))}
        </ul>
      )}
      {asked !== undefined && (
        <Confirm title={`Remove “${asked}” from this network?`} action="Remove device" danger onConfirm={() => void onRemove(asked)} onCancel={() => setAsked(undefined)}>
          <p>
            This computer no longer lets “{asked}” in: it cannot register, nothing is relayed for it, and it learns of no new computers in the network. Its window says it was removed.
          </p>
          <p>
            It still knows the network's key, so it could read traffic that reaches it some other way. To be sure, make a new network for the devices that stay and invite them into it.
          </p>
        </Confirm>
      )}
      {outcome !== undefined && (
        <p className={outcome.ok ? 'saved' : 'problem'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
    </div>
  );
}
