import type { RunStatus } from '../store/run_slice';
import type { OfflineStatus } from '../hooks/useServiceWorker';
import { useBackendView, useRunView } from '../hooks/useRunView';
import { Logo } from './Logo';

const RUN_CHIP: Record<RunStatus, { text: string; kind: string }> = {
  idle: { text: 'Idle', kind: 'idle' },
  starting: { text: 'Starting', kind: 'warn live' },
  running: { text: 'Training', kind: 'ok live' },
  pausing: { text: 'Pausing', kind: 'warn' },
  paused: { text: 'Paused', kind: 'warn' },
  stopping: { text: 'Stopping', kind: 'warn live' },
  stopped: { text: 'Stopped', kind: 'idle' },
  finished: { text: 'Finished', kind: 'ok' },
  failed: { text: 'Failed', kind: 'danger' },
};

const OFFLINE_CHIP: Record<OfflineStatus, { text: string; kind: string } | null> = {
  ready: { text: 'Works offline', kind: 'ok' },
  installing: { text: 'Caching for offline', kind: 'idle' },
  failed: null,
  unsupported: null,
  dev: null,
};

export function TopBar({ offline }: { offline: OfflineStatus }) {
  const { runStatus, iteration } = useRunView();
  const { backend, workerStatus } = useBackendView();
  const run = RUN_CHIP[runStatus];
  const off = OFFLINE_CHIP[offline];
  return (
    <header className="topbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">detr-studio</span>
        <span className="brand-tag">Train DETR on your own GPU — nothing leaves this device</span>
      </div>
      <div className="topbar-spacer" />
      <div className="topbar-badges">
        <span className={`chip ${run.kind}`} title={`Run: ${run.text.toLowerCase()}`}>
          <span className="dot" />
          {run.text}
          {runStatus !== 'idle' ? ` · ${iteration}` : ''}
        </span>
        <span className={`chip ${workerStatus === 'failed' ? 'danger' : backend ? (backend.backend === 'webgpu' ? 'ok' : 'warn') : 'idle'}`} title={backend?.adapter ?? 'tfjs backend'}>
          {backend ? backend.backend : workerStatus === 'failed' ? 'no backend' : 'starting…'}
        </span>
        {off && (
          <span className={`chip ${off.kind} hide-phone`} title="The app is cached by a service worker">
            {off.text}
          </span>
        )}
      </div>
    </header>
  );
}
