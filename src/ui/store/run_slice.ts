/**
 * Run slice: the worker connection, the backend it picked, and the training run's status and
 * position. Pure actions for what the page asks; the worker's answers arrive in worker_events.ts.
 */
import type { BackendName, BackendReport, RunInfo } from '../../worker/protocol';

export type WorkerStatus = 'connecting' | 'ready' | 'failed';
/** `pausing` / `stopping`: asked for, not yet confirmed by the worker. */
export type RunStatus = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'stopping' | 'stopped' | 'finished' | 'failed';
export type BackendChoice = 'auto' | BackendName;

export interface RunPhase {
  label: string;
  done?: number;
  total?: number;
}

export interface Notice {
  id: number;
  text: string;
}

export interface RunSlice {
  workerStatus: WorkerStatus;
  backend: BackendReport | null;
  backendChoice: BackendChoice;
  runStatus: RunStatus;
  /** Iterations completed. */
  iteration: number;
  epoch: number;
  maxIter: number;
  itersPerEpoch: number;
  phase: RunPhase | null;
  runError: string | null;
  /** Messages from commands that failed outside a run (export, predict...), newest last. */
  notices: readonly Notice[];
  /** Runs stored in this browser (newest first): their checkpoints, and the one a reload can resume. */
  runs: readonly RunInfo[];
  /** The stored run the worker trains (or trained last in this page). */
  runId: string | null;
  /** What starting the run reported (weights loaded, class head re-initialised, resumed...). */
  runNotes: readonly string[];
}

export function initialRunSlice(): RunSlice {
  return {
    workerStatus: 'connecting',
    backend: null,
    backendChoice: 'auto',
    runStatus: 'idle',
    iteration: 0,
    epoch: 0,
    maxIter: 0,
    itersPerEpoch: 0,
    phase: null,
    runError: null,
    notices: [],
    runs: [],
    runId: null,
    runNotes: [],
  };
}

/** Statuses in which a run holds the worker. */
export const ACTIVE_RUN: ReadonlySet<RunStatus> = new Set(['starting', 'running', 'pausing', 'paused', 'stopping']);

const MAX_NOTICES = 5;

export function withNotice(s: Pick<RunSlice, 'notices'>, text: string): Pick<RunSlice, 'notices'> {
  const id = (s.notices.at(-1)?.id ?? 0) + 1;
  return { notices: [...s.notices, { id, text }].slice(-MAX_NOTICES) };
}

export const runActions = {
  requestStart(s: RunSlice): Partial<RunSlice> {
    if (ACTIVE_RUN.has(s.runStatus) || s.workerStatus !== 'ready') return {};
    return { runStatus: 'starting', runError: null, phase: { label: 'Starting' } };
  },
  requestPause(s: RunSlice): Partial<RunSlice> {
    return s.runStatus === 'running' ? { runStatus: 'pausing' } : {};
  },
  requestResume(s: RunSlice): Partial<RunSlice> {
    return s.runStatus === 'paused' ? { runStatus: 'running' } : {};
  },
  requestStop(s: RunSlice): Partial<RunSlice> {
    return ACTIVE_RUN.has(s.runStatus) && s.runStatus !== 'starting' ? { runStatus: 'stopping' } : {};
  },
  /** A new backend means a new worker: forget the old one's report. */
  setBackendChoice(s: RunSlice, backendChoice: BackendChoice): Partial<RunSlice> {
    if (backendChoice === s.backendChoice || ACTIVE_RUN.has(s.runStatus)) return {};
    return { backendChoice, workerStatus: 'connecting', backend: null };
  },
  dismissNotice(s: RunSlice, id: number): Partial<RunSlice> {
    return { notices: s.notices.filter((n) => n.id !== id) };
  },
};
