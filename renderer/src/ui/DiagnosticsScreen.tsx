import { useEffect, useState } from 'react';
import { errorMessage } from '../client/errors.js';
import { buildReport } from '../model/report.js';
import { copyText } from './desktop.js';
import { useKith } from './store-context.js';

declare const __APP_VERSION__: string;

export function DiagnosticsScreen() {
  const log = useKith((s) => s.log);
  const loadLog = useKith((s) => s.loadLog);
  const transport = useKith((s) => s.transport);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    void loadLog();
  }, [loadLog]);

  return (
    <section aria-labelledby="diagnostics-heading">
      <h2 id="diagnostics-heading">Diagnostics</h2>
      <div className="toolbar">
        <CopyReportButton onDone={setNotice} />
        <button type="button" onClick={() => void loadLog()}>
          Refresh log
        </button>
        <span className="muted">Connected through {transport === 'ipc' ? 'the desktop app' : 'the web interface'}</span>
        <span className="saved" aria-live="polite">
          {notice}
        </span>
      </div>
      <h3>Recent log</h3>
      <pre className="log" tabIndex={0} aria-label="Recent log">
        {log.length === 0 ? 'No log lines yet.' : log.map((line) => `${new Date(line.time).toLocaleTimeString()}  ${line.level.padEnd(6)} ${line.text}`).join('\n')}
      </pre>
    </section>
  );
}

function CopyReportButton({ onDone }: { onDone: (text: string) => void }) {
  const status = useKith((s) => s.status);
  const peers = useKith((s) => s.peers);
  const supernodes = useKith((s) => s.supernodes);
  const settings = useKith((s) => s.settings);
  const log = useKith((s) => s.log);
  const copy = async (): Promise<void> => {
    const report = buildReport({
      now: Date.now(),
      appVersion: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev',
      userAgent: navigator.userAgent,
      status,
      peers: Object.values(peers),
      supernodes,
      settings,
      log,
    });
    try {
      await copyText(report);
      onDone('Report copied. It leaves out keys and passwords.');
    } catch (error) {
      onDone(`Could not copy: ${errorMessage(error)}`);
    }
  };
  return (
    <button type="button" className="primary" onClick={() => void copy()}>
      Copy report
    </button>
  );
}
