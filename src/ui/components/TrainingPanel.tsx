import { useStudio } from '../store';
import { selectConfig, selectConfigIssue, selectRunNotes, selectTrainDataset } from '../store/selectors';
import { ACTIVE_RUN, type RunStatus } from '../store/run_slice';
import { lastValue } from '../store/metric_log';
import { useRunView, useThroughput, useBackendView } from '../hooks/useRunView';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { formatDuration, formatMetric, formatRate } from '../format';
import { BackendLine } from './BackendLine';
import { Callout } from './Callout';
import { Icon } from './Icon';
import { Panel } from './Panel';
import { ResumeOffer } from './ResumeOffer';
import { StatTile } from './StatTile';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Not started',
  starting: 'Starting',
  running: 'Training',
  pausing: 'Pausing',
  paused: 'Paused',
  stopping: 'Stopping',
  stopped: 'Stopped',
  finished: 'Finished',
  failed: 'Failed',
};

export function TrainingPanel() {
  const run = useRunView();
  const { workerStatus } = useBackendView();
  const speed = useThroughput();
  const config = useStudio(selectConfig);
  const configIssue = useStudio(selectConfigIssue);
  const train = useStudio(selectTrainDataset);
  const lastLoss = useStudio((s) => lastValue(s.metrics, 'total_loss'));
  const lastLr = useStudio((s) => lastValue(s.metrics, 'lr'));
  const notes = useStudio(selectRunNotes);
  const { requestStart, requestPause, requestResume, requestStop } = useStudio.getState();
  const { send } = useWorkerCommands();

  const active = ACTIVE_RUN.has(run.runStatus);
  const paused = run.runStatus === 'paused';
  const blocker =
    workerStatus !== 'ready'
      ? workerStatus === 'failed'
        ? 'The training worker could not start.'
        : 'Starting the training worker…'
      : configIssue
        ? 'Fix the config first.'
        : train.status !== 'ready'
          ? 'Import a training set to start.'
          : null;

  const start = () => {
    requestStart();
    send({ type: 'start', config });
  };
  const pauseOrResume = () => {
    if (paused) {
      requestResume();
      send({ type: 'resume' });
    } else {
      requestPause();
      send({ type: 'pause' });
    }
  };
  const stop = () => {
    requestStop();
    send({ type: 'stop' });
  };

  const pct = run.maxIter > 0 ? Math.min(100, (100 * run.iteration) / run.maxIter) : 0;
  const epochs = run.itersPerEpoch > 0 ? Math.ceil(run.maxIter / run.itersPerEpoch) : config.epochs;

  return (
    <Panel id="training" title="Training" subtitle={STATUS_TEXT[run.runStatus]}>
      <div className="controls">
        <button type="button" className="btn primary" data-testid="train-start" disabled={active || blocker !== null} onClick={start} title={blocker ?? 'Build the model and train'}>
          <Icon name="play" size={14} filled /> {active || run.runStatus === 'idle' ? 'Start' : 'New run'}
        </button>
        <button type="button" className="btn" data-testid="train-pause" disabled={!(run.runStatus === 'running' || paused)} onClick={pauseOrResume}>
          <Icon name={paused ? 'play' : 'pause'} size={14} filled={paused} /> {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="btn danger-outline" data-testid="train-stop" disabled={!active || run.runStatus === 'starting' || run.runStatus === 'stopping'} onClick={stop}>
          <Icon name="stop" size={14} /> Stop
        </button>
      </div>
      {blocker && !active && <p className="hint">{blocker}</p>}
      {!active && <ResumeOffer disabled={workerStatus !== 'ready'} />}
      <div className="stats">
        <StatTile label="Iteration">
          <span data-testid="train-iteration">{run.iteration}</span>
          {run.maxIter > 0 && <small> / {run.maxIter}</small>}
        </StatTile>
        <StatTile label="Epoch">
          {run.epoch}
          <small> / {epochs}</small>
        </StatTile>
        <StatTile label="Speed">{formatRate(speed?.itPerSec)}</StatTile>
        <StatTile label="ETA" title="At the median speed of the last 20 iterations">
          {run.runStatus === 'running' ? formatDuration(speed?.etaSec) : '—'}
        </StatTile>
        <StatTile label="Loss">{formatMetric(lastLoss)}</StatTile>
        <StatTile label="LR">{formatMetric(lastLr)}</StatTile>
      </div>
      <div>
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={run.maxIter || 1} aria-valuenow={run.iteration}>
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="progress-line">
          <span>{run.phase ? `${run.phase.label}${run.phase.total ? ` ${run.phase.done ?? 0}/${run.phase.total}` : ''}…` : STATUS_TEXT[run.runStatus]}</span>
          <span>{run.maxIter > 0 ? `${pct.toFixed(1)}%` : `${config.epochs} epochs · batch ${config.batch_size}`}</span>
        </div>
      </div>
      {notes.length > 0 && (
        <ul className="run-notes" data-testid="run-notes">
          {notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {run.runError && (
        <Callout kind="danger">
          <p>{run.runError}</p>
        </Callout>
      )}
      <BackendLine locked={active} />
    </Panel>
  );
}
