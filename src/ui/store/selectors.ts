/**
 * Module-level selectors (stable identities, so components re-render only when their slice of
 * state changes) and the derived numbers the panels show.
 */
import { column } from './metric_log';
import { ACTIVE_RUN } from './run_slice';
import type { StudioState } from './state';
import type { RunInfo } from '../../worker/protocol';

export const selectRunStatus = (s: StudioState) => s.runStatus;
export const selectIteration = (s: StudioState) => s.iteration;
export const selectBackend = (s: StudioState) => s.backend;
export const selectWorkerStatus = (s: StudioState) => s.workerStatus;
export const selectMetrics = (s: StudioState) => s.metrics;
export const selectEvals = (s: StudioState) => s.evals;
export const selectChart = (s: StudioState) => s.chart;
export const selectConfigText = (s: StudioState) => s.configText;
export const selectConfig = (s: StudioState) => s.config;
export const selectConfigIssue = (s: StudioState) => s.configIssue;
export const selectTrainDataset = (s: StudioState) => s.datasets.train;
export const selectValDataset = (s: StudioState) => s.datasets.val;
export const selectWeights = (s: StudioState) => s.weights;
export const selectCheckpoints = (s: StudioState) => s.checkpoints;
export const selectNotices = (s: StudioState) => s.notices;
export const selectIsRunActive = (s: StudioState) => ACTIVE_RUN.has(s.runStatus);
export const selectRuns = (s: StudioState) => s.runs;
export const selectRunNotes = (s: StudioState) => s.runNotes;

/**
 * The stored run a reload can resume: the newest one with a checkpoint that has not reached its
 * last iteration, unless this page is training it right now.
 */
export const selectResumable = (s: StudioState): RunInfo | undefined => {
  const run = s.runs.find((r) => r.checkpoints.length > 0);
  if (!run || run.iteration >= run.maxIter || run.status === 'finished') return undefined;
  if (run.id === s.runId && ACTIVE_RUN.has(s.runStatus)) return undefined;
  return run;
};

/** num_classes the dataset calls for, when the config disagrees (DETR: max category id + 1). */
export const selectNumClassesSuggestion = (s: StudioState): number | undefined => {
  const n = s.datasets.train.summary?.numClasses;
  return n !== undefined && n !== s.config.num_classes ? n : undefined;
};

export interface Throughput {
  /** Iterations per second over the recent window (median step time). */
  itPerSec: number;
  /** Seconds left to maxIter at that pace. */
  etaSec: number;
}

const THROUGHPUT_WINDOW = 20;

/** Speed and ETA from the metrics' `time` column (the median of the last 20 steps). */
export function throughput(s: Pick<StudioState, 'metrics' | 'iteration' | 'maxIter'>): Throughput | undefined {
  const time = column(s.metrics, 'time');
  if (!time || time.length === 0) return undefined;
  const recent = Array.from(time.subarray(Math.max(0, time.length - THROUGHPUT_WINDOW))).filter((t) => Number.isFinite(t) && t > 0);
  if (recent.length === 0) return undefined;
  recent.sort((a, b) => a - b);
  const mid = recent.length >> 1;
  const secPerIt = recent.length % 2 ? recent[mid] : (recent[mid - 1] + recent[mid]) / 2;
  return { itPerSec: 1 / secPerIt, etaSec: Math.max(0, s.maxIter - s.iteration) * secPerIt };
}
