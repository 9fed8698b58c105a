import { useEffect, useRef, type ReactNode } from 'react';

/**
 * An inline question that must be answered before something changes (switching the live network,
 * removing a device, leaving a network): what will happen, then the action or Cancel. Focus moves
 * to Cancel, the safe answer; Escape cancels.
 */
export function Confirm({ title, children, action, danger = false, onConfirm, onCancel }: { title: string; children: ReactNode; action: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="card confirm" role="alertdialog" aria-modal="false" aria-label={title} onKeyDown={(event) => event.key === 'Escape' && onCancel()}>
      <h3>{title}</h3>
      {children}
      <div className="action-row">
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {action}
        </button>
        <button type="button" ref={cancel} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
