import { useStudio } from '../store';
import { selectCheckpoints } from '../store/selectors';
import type { ExportKind } from '../store/artifacts_slice';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { formatBytes } from '../format';
import { EmptyState } from './EmptyState';
import { Icon } from './Icon';
import { Panel } from './Panel';

/** Downloads (weights for PyTorch DETR, resumable checkpoints) and the checkpoints saved so far. */
export function CheckpointsPanel() {
  const { send, nextRequestId } = useWorkerCommands();
  const checkpoints = useStudio(selectCheckpoints);
  const exporting = useStudio((s) => s.exporting);
  const hasModel = useStudio((s) => s.runStatus !== 'idle');
  const requestExport = useStudio((s) => s.requestExport);
  const busy = (kind: ExportKind) => Object.values(exporting).includes(kind);

  const exportWeights = () => {
    const requestId = nextRequestId();
    requestExport(requestId, 'weights');
    send({ type: 'exportWeights', requestId });
  };
  const exportCheckpoint = (checkpointId?: string) => {
    const requestId = nextRequestId();
    requestExport(requestId, 'checkpoint');
    send({ type: 'exportCheckpoint', requestId, checkpointId });
  };

  return (
    <Panel id="checkpoints" title="Checkpoints" subtitle={checkpoints.length > 0 ? `${checkpoints.length} saved` : undefined}>
      <div className="export-row">
        <button type="button" className="btn" data-testid="export-weights" disabled={!hasModel || busy('weights')} onClick={exportWeights}>
          <Icon name="download" size={16} />
          <span>
            {busy('weights') ? 'Preparing…' : 'Weights'}
            <small>.safetensors · loads in PyTorch DETR</small>
          </span>
        </button>
        <button type="button" className="btn" data-testid="export-checkpoint" disabled={!hasModel || busy('checkpoint')} onClick={() => exportCheckpoint()}>
          <Icon name="save" size={16} />
          <span>
            {busy('checkpoint') ? 'Preparing…' : 'Checkpoint'}
            <small>weights + optimiser · resumable</small>
          </span>
        </button>
      </div>
      {checkpoints.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Iteration</th>
              <th>Epoch</th>
              <th>Saved</th>
              <th className="num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...checkpoints].reverse().map((c) => (
              <tr key={c.id}>
                <td>{c.iteration}</td>
                <td>{c.epoch}</td>
                <td>{new Date(c.savedAt).toLocaleTimeString()}</td>
                <td className="num">{formatBytes(c.sizeBytes)}</td>
                <td className="num">
                  <button type="button" className="btn small" onClick={() => exportCheckpoint(c.id)} aria-label={`Download the checkpoint of iteration ${c.iteration}`}>
                    <Icon name="download" size={13} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState icon="save" title="No checkpoints yet">
          A checkpoint is saved every <code>checkpoint_period</code> iterations and when training ends.
        </EmptyState>
      )}
    </Panel>
  );
}
