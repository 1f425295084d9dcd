/**
 * What survives a reload (localStorage): the user's choices, never run data or anything the
 * worker reported (it is gone with the worker). One line per state key, so a new key must be
 * decided on here (the Record type makes a missing key a compile error).
 */
import type { StateStorage } from 'zustand/middleware';
import type { StudioState } from './state';

export const PERSIST: Readonly<Record<keyof StudioState, boolean>> = Object.freeze({
  // config
  configText: true,
  config: false, // re-derived from configText on load
  configIssue: false,
  // run
  workerStatus: false,
  backend: false,
  backendChoice: true,
  runStatus: false,
  iteration: false,
  epoch: false,
  maxIter: false,
  itersPerEpoch: false,
  phase: false,
  runError: false,
  notices: false,
  runs: false, // the worker lists them from IndexedDB
  runId: false,
  runNotes: false,
  // data (datasets live in IndexedDB: the worker lists them again after a reload; weights re-imported)
  datasets: false,
  weights: false,
  storedDatasets: false,
  datasetSelection: false,
  importProgress: false,
  gallery: false,
  // metrics
  metrics: false,
  metricsSource: false,
  evals: false,
  chart: true,
  // artifacts
  checkpoints: false,
  predictions: false,
  predictStatus: false,
  predictError: false,
  exporting: false,
});

export const PERSIST_KEY = 'detr-studio/ui';
export const PERSIST_VERSION = 1;

export type PersistedState = Partial<StudioState>;

/** The part of `s` that PERSIST keeps. */
export function persistedPart(s: StudioState): PersistedState {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(PERSIST) as (keyof StudioState)[]) if (PERSIST[key]) out[key] = s[key];
  return out as PersistedState;
}

/**
 * localStorage that skips writes of an unchanged value: zustand's persist middleware writes on
 * every state change (worker events arrive ~10 times a second), while what it keeps rarely changes.
 */
export function dedupedStorage(backing: () => Storage): StateStorage {
  const last = new Map<string, string>();
  return {
    getItem: (name) => backing().getItem(name),
    setItem: (name, value) => {
      if (last.get(name) === value) return;
      last.set(name, value);
      backing().setItem(name, value);
    },
    removeItem: (name) => {
      last.delete(name);
      backing().removeItem(name);
    },
  };
}
