import { useStudio } from '../store';
import { selectConfig, selectIsRunActive, selectRuns } from '../store/selectors';
import type { ExportKind } from '../store/artifacts_slice';
import type { RunInfo } from '../../worker/protocol';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { formatBytes } from '../format';
import { EmptyState } from './EmptyState';
import { Icon } from './Icon';
import { Panel } from './Panel';

const STATUS: Record<RunInfo['status'], { text: string; kind: string }> = {
  running: { text: 'interrupted', kind: 'warn' },
  paused: { text: 'paused', kind: 'warn' },
  stopped: { text: 'stopped', kind: 'idle' },
  finished: { text: 'finished', kind: 'ok' },
  failed: { text: 'failed', kind: 'danger' },
};

function savedAt(ms: number): string {
  const d = new Date(ms);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

/** One stored run: its checkpoints, each downloadable and resumable. */
function RunCard({ run, current, active, onExport, onResume, onDelete }: { run: RunInfo; current: boolean; active: boolean; onExport(id: string): void; onResume(id: string): void; onDelete(): void }) {
  const status = current && active ? { text: 'training', kind: 'ok live' } : STATUS[run.status];
  return (
    <div className={`run-card${current ? ' current' : ''}`} data-testid="stored-run">
      <div className="run-head">
        <span className="run-name" title={run.id}>
          {run.name}
        </span>
        <span className={`tag ${status.kind}`}>
          <span className="dot" />
          {status.text}
        </span>
        <span className="run-iter mono">
          {run.iteration} / {run.maxIter}
        </span>
        <button type="button" className="btn small ghost" onClick={onDelete} disabled={current && active} aria-label={`Delete the stored run ${run.name}`} title="Delete this run and its checkpoints">
          <Icon name="trash" size={13} />
        </button>
      </div>
      {run.checkpoints.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Iteration</th>
              <th>Saved</th>
              <th className="num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...run.checkpoints].reverse().map((c) => (
              <tr key={c.id} data-testid="checkpoint-row">
                <td>
                  <span className="mono">{c.iteration}</span>
                  <small className="muted"> · epoch {c.epoch}</small>
                </td>
                <td>{savedAt(c.savedAt)}</td>
                <td className="num">{formatBytes(c.sizeBytes)}</td>
                <td className="num row-actions">
                  <button type="button" className="btn small" disabled={active} onClick={() => onResume(c.id)} title={`Continue training from iteration ${c.iteration}`} aria-label={`Resume from the checkpoint of iteration ${c.iteration}`}>
                    <Icon name="play" size={12} filled />
                  </button>
                  <button type="button" className="btn small" onClick={() => onExport(c.id)} title="Download this checkpoint (.safetensors: weights, AdamW moments, schedule, data order)" aria-label={`Download the checkpoint of iteration ${c.iteration}`}>
                    <Icon name="download" size={13} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">No checkpoint yet: one is saved every checkpoint_period iterations, on pause and at the end.</p>
      )}
    </div>
  );
}

/** Downloads (weights for PyTorch DETR, resumable checkpoints, metrics) and the runs stored in this browser. */
export function CheckpointsPanel() {
  const { send, nextRequestId } = useWorkerCommands();
  const runs = useStudio(selectRuns);
  const runId = useStudio((s) => s.runId);
  const active = useStudio(selectIsRunActive);
  const config = useStudio(selectConfig);
  const exporting = useStudio((s) => s.exporting);
  const hasModel = useStudio((s) => s.runStatus !== 'idle' && s.runStatus !== 'starting' && s.runId !== null);
  const requestExport = useStudio((s) => s.requestExport);
  const requestStart = useStudio((s) => s.requestStart);
  const busy = (kind: ExportKind) => Object.values(exporting).includes(kind);

  const exportNow = (kind: ExportKind, checkpointId?: string) => {
    const requestId = nextRequestId();
    requestExport(requestId, kind);
    if (kind === 'weights') send({ type: 'exportWeights', requestId });
    else if (kind === 'metrics') send({ type: 'exportMetrics', requestId });
    else send({ type: 'exportCheckpoint', requestId, checkpointId });
  };
  const resume = (id: string) => {
    requestStart();
    send({ type: 'start', config, resumeFrom: id });
  };
  const checkpoints = runs.reduce((n, r) => n + r.checkpoints.length, 0);

  return (
    <Panel id="checkpoints" title="Checkpoints" subtitle={checkpoints > 0 ? `${checkpoints} saved in this browser` : undefined}>
      <div className="export-row three">
        <button type="button" className="btn" data-testid="export-weights" disabled={!hasModel || busy('weights')} onClick={() => exportNow('weights')}>
          <Icon name="download" size={16} />
          <span>
            {busy('weights') ? 'Preparing…' : 'Weights'}
            <small>.safetensors for PyTorch</small>
          </span>
        </button>
        <button type="button" className="btn" data-testid="export-checkpoint" disabled={!hasModel || busy('checkpoint')} onClick={() => exportNow('checkpoint')}>
          <Icon name="save" size={16} />
          <span>
            {busy('checkpoint') ? 'Preparing…' : 'Checkpoint'}
            <small>resumable</small>
          </span>
        </button>
        <button type="button" className="btn" data-testid="export-metrics" disabled={!hasModel || busy('metrics')} onClick={() => exportNow('metrics')}>
          <Icon name="chart" size={16} />
          <span>
            {busy('metrics') ? 'Preparing…' : 'Metrics'}
            <small>.jsonl</small>
          </span>
        </button>
      </div>
      {runs.length > 0 ? (
        <div className="runs">
          {runs.map((r) => (
            <RunCard
              key={r.id}
              run={r}
              current={r.id === runId}
              active={active}
              onExport={(id) => exportNow('checkpoint', id)}
              onResume={resume}
              onDelete={() => send({ type: 'deleteRun', id: r.id })}
            />
          ))}
        </div>
      ) : (
        <EmptyState icon="save" title="No checkpoints yet">
          A checkpoint is saved every <code>checkpoint_period</code> iterations, on pause and when training ends, and kept in this browser.
        </EmptyState>
      )}
    </Panel>
  );
}
