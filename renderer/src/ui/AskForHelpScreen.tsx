// "Ask for help" on the helped computer (issue 13): tells the chosen computers that this one asks
// for their help. It shares nothing: each helper then asks to see the screen, and this computer's
// person allows it or not, every time.
import { useMemo, useState } from 'react';
import { errorMessage } from '../client/errors.js';
import { availabilityOf } from '../help/help-status.js';
import { availabilityWords } from '../help/help-words.js';
import { answeringPeers, peerName } from '../model/format.js';
import { sortPeers } from '../model/peers-table.js';
import { useHelp } from './help-context.js';
import { useKith } from './store-context.js';

export function AskForHelpScreen() {
  const peersByMac = useKith((s) => s.peers);
  const status = useHelp((s) => s.status);
  const ask = useHelp((s) => s.ask);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState('');
  const peers = useMemo(() => sortPeers(answeringPeers(Object.values(peersByMac)), { column: 'name', direction: 'ascending' }), [peersByMac]);
  const possible = peers.filter((peer) => availabilityOf(status, peer.mac).possible);
  const selected = possible.filter((peer) => chosen.has(peer.mac));

  const toggle = (mac: string, on: boolean): void => {
    const next = new Set(chosen);
    if (on) next.add(mac);
    else next.delete(mac);
    setChosen(next);
  };
  const send = async (): Promise<void> => {
    setOutcome('');
    try {
      const sent = await ask(selected.map((peer) => peer.mac));
      setOutcome(sent === 0 ? 'No computer could be told; check that they are online.' : `Asked ${sent} ${sent === 1 ? 'computer' : 'computers'}. Nothing is shared until you allow it when they ask to see your screen.`);
    } catch (error) {
      setOutcome(`Could not ask: ${errorMessage(error)}`);
    }
  };

  return (
    <section aria-labelledby="ask-heading">
      <h2 id="ask-heading">Ask for help</h2>
      <p>
        Choose who may help you. They are told that you ask for help; when one of them asks to see your screen, Kith asks you first, and you can say no or stop at any time. They
        can see your screen and talk with you if you turn voice on; they cannot use your mouse or keyboard.
      </p>
      {peers.length === 0 ? (
        <p className="muted">No other computers are online in this network.</p>
      ) : (
        <fieldset className="card help-choose">
          <legend>Helpers</legend>
          <ul className="plain-list">
            {peers.map((peer) => {
              const availability = availabilityOf(status, peer.mac);
              return (
                <li key={peer.mac}>
                  <label>
                    <input type="checkbox" disabled={!availability.possible} checked={availability.possible && chosen.has(peer.mac)} onChange={(event) => toggle(peer.mac, event.target.checked)} />
                    {` ${peerName(peer)} `}
                    <span className="muted">({availabilityWords(availability)})</span>
                  </label>
                </li>
              );
            })}
          </ul>
          <button type="button" className="primary" disabled={selected.length === 0} onClick={() => void send()}>
            Ask for help
          </button>
        </fieldset>
      )}
      <p role="status" aria-label="Asking for help">
        {outcome}
      </p>
    </section>
  );
}
