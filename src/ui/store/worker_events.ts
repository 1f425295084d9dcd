/**
 * How each worker event changes the studio's state: one exhaustive switch, pure. A new event type
 * in protocol.ts fails to compile here until it is handled. Side effects of events (saving a
 * downloaded file) happen in the hook that receives them, not here.
 */
import type { WorkerCommandType, WorkerEvent } from '../../worker/protocol';
import { configToText } from '../config_presets';
import { configActions } from './config_slice';
import { withoutRequest } from './artifacts_slice';
import { applyListing, dataActions, withDataset } from './data_slice';
import { appendColumns, appendRecords, resetLog, truncateFrom } from './metric_log';
import { withNotice, type RunStatus } from './run_slice';
import type { StudioState } from './state';

const STOP_STATUS: Record<Extract<WorkerEvent, { type: 'stopped' }>['reason'], RunStatus> = {
  requested: 'stopped',
  finished: 'finished',
  failed: 'failed',
};

/** Where a failure is shown, by the command that failed. */
function applyFailure(s: StudioState, message: string, command: WorkerCommandType | undefined, requestId: number | undefined): Partial<StudioState> {
  switch (command) {
    case 'init':
      return { workerStatus: 'failed', runError: message };
    case 'importDataset':
      // A failure before parsing (no engine yet...): shown where the import was asked for.
      return withDataset(s, s.datasets.val.status === 'importing' ? 'val' : 'train', { status: 'refused', summary: null, error: message });
    case 'importWeights':
      return { weights: { ...s.weights, status: 'failed', error: message } };
    case 'predict':
      return { predictStatus: 'failed', predictError: message };
    case 'exportWeights':
    case 'exportCheckpoint':
      return { ...withoutRequest(s, requestId), ...withNotice(s, message) };
    case 'start':
      // While starting, the run never began; mid-run, a `stopped` follows and sets the status.
      return s.runStatus === 'starting' ? { runStatus: 'failed', runError: message, phase: null } : { runError: message };
    case undefined:
      return s.workerStatus === 'connecting' ? { workerStatus: 'failed', runError: message } : withNotice(s, message);
    default:
      return withNotice(s, message);
  }
}

export function applyWorkerEvent(s: StudioState, event: WorkerEvent): Partial<StudioState> {
  switch (event.type) {
    case 'ready':
      return { workerStatus: 'ready', backend: event.backend };
    case 'datasetImported':
      return { ...withDataset(s, event.split, { status: 'ready', summary: event.summary, error: null }), importProgress: null };
    case 'datasetRefused':
      return { ...withDataset(s, event.split, { status: 'refused', summary: null, error: event.message }), importProgress: null };
    case 'importProgressed':
      return { importProgress: event.progress };
    case 'datasetsListed':
      return applyListing(s, event.datasets, event.selection);
    case 'datasetImagesRead':
      return dataActions.receiveGallery(s, event);
    case 'datasetImageDecoded':
      return dataActions.receiveDecoded(s, event);
    case 'weightsImported':
      return { weights: { status: 'loaded', fileName: event.summary.fileName, summary: event.summary, error: null } };
    case 'started': {
      // A fresh run clears the charts (as does any run after an opened metrics file); a resumed
      // one drops what lies at or after its start.
      const fresh = event.iteration === 0 || s.metricsSource !== null;
      // A resumed run brings its own config (from its checkpoint): the editor shows it.
      const config = event.config && JSON.stringify(event.config) !== JSON.stringify(s.config) ? configActions.setConfigText(s, configToText(event.config)) : {};
      return {
        ...config,
        runId: event.runId ?? s.runId,
        runNotes: event.notes ?? [],
        runStatus: 'running',
        runError: null,
        phase: null,
        iteration: event.iteration,
        maxIter: event.maxIter,
        itersPerEpoch: event.itersPerEpoch,
        epoch: event.itersPerEpoch > 0 ? Math.floor(event.iteration / event.itersPerEpoch) : 0,
        metrics: fresh ? resetLog(s.metrics) : truncateFrom(s.metrics, event.iteration),
        metricsSource: null,
        evals: fresh ? [] : s.evals.filter((e) => e.iteration < event.iteration),
      };
    }
    case 'metricsRestored':
      // A resumed run's history, before its `started`: the charts continue where it stopped.
      return { metrics: appendColumns(resetLog(s.metrics), event.chunk, event.chunk.rows), metricsSource: null, evals: event.evals };
    case 'runsListed':
      return { runs: event.runs };
    case 'progressed':
      return { phase: { label: event.phase, done: event.done, total: event.total } };
    case 'stepFinished': {
      const last = event.records.at(-1);
      if (!last) return {};
      // Records carry the 0-based index of the iteration just finished (Detectron2's storage.iter).
      return { metrics: appendRecords(s.metrics, event.records), iteration: last.iteration + 1, epoch: last.epoch, phase: null };
    }
    case 'metricsOpened':
      return {
        metrics: event.first ? appendColumns(resetLog(s.metrics), event.chunk, event.total) : appendColumns(s.metrics, event.chunk),
        metricsSource: event.source,
        ...(event.first ? { evals: [] } : {}),
      };
    case 'paused':
      return { runStatus: 'paused', iteration: event.iteration };
    case 'resumed':
      return { runStatus: s.runStatus === 'stopping' ? 'stopping' : 'running', iteration: event.iteration };
    case 'checkpointSaved':
      return { checkpoints: [...s.checkpoints.filter((c) => c.id !== event.checkpoint.id), event.checkpoint] };
    case 'evaluated':
      return { evals: [...s.evals.filter((e) => e.iteration !== event.iteration), { iteration: event.iteration, stats: event.stats }] };
    case 'predicted':
      return { predictions: event.results, predictStatus: 'done', predictError: null };
    case 'weightsExported':
    case 'checkpointExported':
    case 'metricsExported':
      return withoutRequest(s, event.requestId);
    case 'stopped':
      return { runStatus: STOP_STATUS[event.reason], iteration: event.iteration, phase: null };
    case 'failed':
      return applyFailure(s, event.message, event.command, event.requestId);
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled worker event ${JSON.stringify(unhandled)}`);
    }
  }
}
