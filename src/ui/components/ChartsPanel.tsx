import { useStudio } from '../store';
import { MAX_SMOOTHING } from '../store/metrics_slice';
import { selectChart, selectEvals, selectIsRunActive, selectMetrics } from '../store/selectors';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { CategoryApTable } from './CategoryApTable';
import { ChartGrid } from './ChartGrid';
import { Icon } from './Icon';
import { Panel } from './Panel';

/** The toolbar and the chart grid; the grid renders on its own schedule (see ChartGrid). */
export function ChartsPanel() {
  const log = useStudio(selectMetrics);
  const evals = useStudio(selectEvals);
  const chart = useStudio(selectChart);
  const source = useStudio((s) => s.metricsSource);
  const runActive = useStudio(selectIsRunActive);
  const hasAux = useStudio((s) => s.metrics.keys.some((k) => /^loss_[a-z]+_\d+$/.test(k)));
  const setSmoothing = useStudio((s) => s.setSmoothing);
  const setLogScale = useStudio((s) => s.setLogScale);
  const setShowAux = useStudio((s) => s.setShowAux);
  const { send } = useWorkerCommands();
  const hasModel = useStudio((s) => s.runId !== null && s.runStatus !== 'idle' && s.runStatus !== 'starting');

  const toolbar = (
    <div className="chart-toolbar">
      <label title="TensorBoard's debiased exponential moving average">
        Smoothing
        <input type="range" min={0} max={MAX_SMOOTHING} step={0.01} value={chart.smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} aria-label="Smoothing" />
        <span className="value">{chart.smoothing.toFixed(2)}</span>
      </label>
      <label>
        <input type="checkbox" checked={chart.logScale} onChange={(e) => setLogScale(e.target.checked)} /> Log scale
      </label>
      <label title={hasAux ? 'Losses of each decoder layer (aux_loss)' : 'Appear once a run with aux_loss writes them'}>
        <input type="checkbox" checked={chart.showAux} onChange={(e) => setShowAux(e.target.checked)} /> Auxiliary losses
      </label>
      <button type="button" className="btn small" data-testid="evaluate" disabled={!hasModel} onClick={() => send({ type: 'evaluate' })} title="COCO box AP of the current model on the validation set (the training set when there is none)">
        <Icon name="target" size={13} /> Evaluate
      </button>
      <label className={`btn small${runActive ? ' disabled' : ''}`} title="Chart a run trained elsewhere (the CLI's metrics.jsonl)" aria-disabled={runActive}>
        <Icon name="upload" size={13} /> metrics.jsonl
        <input
          className="visually-hidden"
          type="file"
          accept=".jsonl,.json,application/json"
          data-testid="metrics-input"
          disabled={runActive}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) send({ type: 'openMetrics', file });
          }}
        />
      </label>
    </div>
  );

  return (
    <Panel id="charts" title="Charts" subtitle={log.length > 0 ? `${log.length} points${source ? ` · ${source}` : ''}` : undefined} actions={toolbar}>
      <ChartGrid log={log} evals={evals} settings={chart} />
      <CategoryApTable evals={evals} />
    </Panel>
  );
}
