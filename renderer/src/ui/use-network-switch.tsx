import { useState, type ReactNode } from 'react';
import { Confirm } from './Confirm.js';
import { useKith } from './store-context.js';

/**
 * Switching the live network, asked first: the connection to the active network ends and the
 * computers in it lose this one. `request` shows the question, `question` is where it renders.
 */
export function useNetworkSwitch(): { request: (name: string) => void; question: ReactNode } {
  const profiles = useKith((s) => s.profiles);
  const state = useKith((s) => s.status?.state);
  const select = useKith((s) => s.selectProfile);
  const [asked, setAsked] = useState<string | undefined>(undefined);
  const active = profiles.find((profile) => profile.active);
  const request = (name: string): void => setAsked(name === active?.name ? undefined : name);
  const live = state === 'registered' || state === 'connecting' || state === 'no-supernode';
  const question =
    asked === undefined ? null : (
      <Confirm
        title={`Switch to “${asked}”?`}
        action="Switch network"
        onConfirm={() => {
          setAsked(undefined);
          void select(asked);
        }}
        onCancel={() => setAsked(undefined)}
      >
        <p>
          {live
            ? `This computer leaves “${active?.name ?? 'the active network'}” now: its computers can no longer reach this one, nor this one them, until you switch back. Then it connects to “${asked}”.`
            : `This computer will use “${asked}” instead of “${active?.name ?? 'the active network'}”.`}
        </p>
      </Confirm>
    );
  return { request, question };
}
