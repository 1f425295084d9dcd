/** Data slice: the imported datasets (train, val) and weights, as the worker reported them. */
import type { DatasetSplit, DatasetSummary, WeightsSummary } from '../../worker/protocol';

export interface DatasetState {
  status: 'empty' | 'importing' | 'ready' | 'refused';
  summary: DatasetSummary | null;
  /** Why the import was refused. */
  error: string | null;
}

export interface WeightsState {
  status: 'none' | 'importing' | 'loaded' | 'failed';
  fileName: string | null;
  summary: WeightsSummary | null;
  error: string | null;
}

export interface DataSlice {
  datasets: Readonly<Record<DatasetSplit, DatasetState>>;
  weights: WeightsState;
}

const EMPTY_DATASET: DatasetState = { status: 'empty', summary: null, error: null };

export function initialDataSlice(): DataSlice {
  return {
    datasets: { train: EMPTY_DATASET, val: EMPTY_DATASET },
    weights: { status: 'none', fileName: null, summary: null, error: null },
  };
}

export function withDataset(s: DataSlice, split: DatasetSplit, next: DatasetState): Pick<DataSlice, 'datasets'> {
  return { datasets: { ...s.datasets, [split]: next } };
}

export const dataActions = {
  requestDatasetImport(s: DataSlice, split: DatasetSplit): Partial<DataSlice> {
    return withDataset(s, split, { status: 'importing', summary: s.datasets[split].summary, error: null });
  },
  /** A refusal found on the page before anything reached the worker (e.g. no file chosen). */
  refuseDataset(s: DataSlice, payload: { split: DatasetSplit; message: string }): Partial<DataSlice> {
    return withDataset(s, payload.split, { status: 'refused', summary: null, error: payload.message });
  },
  requestWeightsImport(_s: DataSlice, fileName: string): Partial<DataSlice> {
    return { weights: { status: 'importing', fileName, summary: null, error: null } };
  },
};
