/**
 * useStudio: the page's one zustand store, built from the slices in this folder. Each method
 * applies one pure action `(state, payload) => Partial<State>`; worker events go through
 * `applyWorkerEvent`. Persistence follows the PERSIST table.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { DetrConfig } from '../../config/config';
import type { DatasetChoice, DatasetSplit, WorkerEvent } from '../../worker/protocol';
import { artifactsActions, type ExportKind } from './artifacts_slice';
import { configActions } from './config_slice';
import { dataActions } from './data_slice';
import { metricsActions } from './metrics_slice';
import { dedupedStorage, PERSIST_KEY, PERSIST_VERSION, persistedPart, type PersistedState } from './persist';
import { runActions, type BackendChoice } from './run_slice';
import { initialState, type StudioState } from './state';
import { applyWorkerEvent } from './worker_events';

export interface StudioActions {
  receive(event: WorkerEvent): void;
  setConfigText(text: string): void;
  applyPreset(presetId: string): void;
  setConfigKey<K extends keyof DetrConfig>(key: K, value: DetrConfig[K]): void;
  requestStart(): void;
  requestPause(): void;
  requestResume(): void;
  requestStop(): void;
  setBackendChoice(choice: BackendChoice): void;
  dismissNotice(id: number): void;
  requestDatasetImport(split: DatasetSplit): void;
  refuseDataset(split: DatasetSplit, message: string): void;
  chooseDataset(role: DatasetSplit, choice: DatasetChoice | null): void;
  requestGallery(requestId: number, choice: DatasetChoice, offset: number): void;
  requestWeightsImport(fileName: string): void;
  setSmoothing(weight: number): void;
  setLogScale(on: boolean): void;
  setShowAux(on: boolean): void;
  requestPredict(): void;
  requestExport(requestId: number, kind: ExportKind): void;
}

export type StudioStore = StudioState & StudioActions;

export const useStudio = create<StudioStore>()(
  persist(
    (set) => ({
      ...initialState(),
      receive: (event) => set((s) => applyWorkerEvent(s, event)),
      setConfigText: (text) => set((s) => configActions.setConfigText(s, text)),
      applyPreset: (presetId) => set((s) => configActions.applyPreset(s, presetId)),
      setConfigKey: (key, value) => set((s) => configActions.setConfigKey(s, key, value)),
      requestStart: () => set((s) => runActions.requestStart(s)),
      requestPause: () => set((s) => runActions.requestPause(s)),
      requestResume: () => set((s) => runActions.requestResume(s)),
      requestStop: () => set((s) => runActions.requestStop(s)),
      setBackendChoice: (choice) => set((s) => runActions.setBackendChoice(s, choice)),
      dismissNotice: (id) => set((s) => runActions.dismissNotice(s, id)),
      requestDatasetImport: (split) => set((s) => dataActions.requestDatasetImport(s, split)),
      refuseDataset: (split, message) => set((s) => dataActions.refuseDataset(s, { split, message })),
      chooseDataset: (role, choice) => set((s) => dataActions.chooseDataset(s, { role, choice })),
      requestGallery: (requestId, choice, offset) => set((s) => dataActions.requestGallery(s, { requestId, choice, offset })),
      requestWeightsImport: (fileName) => set((s) => dataActions.requestWeightsImport(s, fileName)),
      setSmoothing: (weight) => set((s) => metricsActions.setSmoothing(s, weight)),
      setLogScale: (on) => set((s) => metricsActions.setLogScale(s, on)),
      setShowAux: (on) => set((s) => metricsActions.setShowAux(s, on)),
      requestPredict: () => set((s) => artifactsActions.requestPredict(s)),
      requestExport: (requestId, kind) => set((s) => artifactsActions.requestExport(s, { requestId, kind })),
    }),
    {
      name: PERSIST_KEY,
      version: PERSIST_VERSION,
      storage: createJSONStorage(() => dedupedStorage(() => localStorage)),
      partialize: (s) => persistedPart(s),
      // The saved text is re-validated: the config and its issue are derived, never stored.
      merge: (saved, current) => {
        const p = (saved ?? {}) as PersistedState;
        const merged = { ...current, ...p, chart: { ...current.chart, ...p.chart } };
        return typeof p.configText === 'string' ? { ...merged, ...configActions.setConfigText(merged, p.configText) } : merged;
      },
    },
  ),
);
