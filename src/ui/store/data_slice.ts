/**
 * Data slice: the training and validation datasets (each a stored split chosen from IndexedDB, or an
 * import under way), the stored-datasets list, the running import's progress, the gallery, and the
 * weights. All of it comes from the worker; nothing here is persisted (the worker re-lists IndexedDB
 * after a reload).
 */
import type {
  DatasetChoice,
  DatasetSelection,
  DatasetSplit,
  DatasetSummary,
  GalleryImage,
  ImportProgress,
  StoredDatasetInfo,
  WeightsSummary,
} from '../../worker/protocol';

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

export interface GalleryState {
  requestId: number;
  choice: DatasetChoice;
  /** Images in the split. */
  total: number;
  items: readonly GalleryImage[];
  loading: boolean;
  /** Images decoded as training decodes them (the "model view"), by image id. */
  decoded: Readonly<Record<number, DecodedImage>>;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, alpha 255; null when the image could not be decoded (`error` says why). */
  rgba: ArrayBuffer | null;
  error?: string;
}

export interface DataSlice {
  datasets: Readonly<Record<DatasetSplit, DatasetState>>;
  weights: WeightsState;
  storedDatasets: readonly StoredDatasetInfo[];
  datasetSelection: DatasetSelection;
  importProgress: ImportProgress | null;
  gallery: GalleryState | null;
}

const EMPTY_DATASET: DatasetState = { status: 'empty', summary: null, error: null };

export function initialDataSlice(): DataSlice {
  return {
    datasets: { train: EMPTY_DATASET, val: EMPTY_DATASET },
    weights: { status: 'none', fileName: null, summary: null, error: null },
    storedDatasets: [],
    datasetSelection: {},
    importProgress: null,
    gallery: null,
  };
}

export function withDataset(s: DataSlice, split: DatasetSplit, next: DatasetState): Pick<DataSlice, 'datasets'> {
  return { datasets: { ...s.datasets, [split]: next } };
}

/** The summary of a stored choice, when that dataset and split are listed. */
export function storedSummary(datasets: readonly StoredDatasetInfo[], choice: DatasetChoice | undefined): DatasetSummary | null {
  if (!choice) return null;
  return datasets.find((d) => d.id === choice.id)?.splits[choice.split] ?? null;
}

/**
 * The worker listed the stored datasets and the choice: each slot shows its chosen split, except
 * while it imports, or while it shows a refusal and its choice has not changed.
 */
export function applyListing(s: DataSlice, datasets: readonly StoredDatasetInfo[], selection: DatasetSelection): Partial<DataSlice> {
  const next = { ...s.datasets };
  for (const role of ['train', 'val'] as const) {
    const cur = s.datasets[role];
    if (cur.status === 'importing') continue;
    const unchanged = sameStored(s.datasetSelection[role], selection[role]) || (!s.datasetSelection[role] && !selection[role]);
    if (cur.status === 'refused' && unchanged) continue;
    const summary = storedSummary(datasets, selection[role]);
    next[role] = summary ? { status: 'ready', summary, error: null } : EMPTY_DATASET;
  }
  const gallery = s.gallery && datasets.some((d) => d.id === s.gallery!.choice.id) ? s.gallery : null;
  return { storedDatasets: datasets, datasetSelection: selection, datasets: next, gallery };
}

function sameStored(a: DatasetChoice | undefined, b: DatasetChoice | undefined): boolean {
  return !!a && !!b && a.id === b.id && a.split === b.split;
}

export const dataActions = {
  requestDatasetImport(s: DataSlice, split: DatasetSplit): Partial<DataSlice> {
    return { ...withDataset(s, split, { status: 'importing', summary: s.datasets[split].summary, error: null }), importProgress: null };
  },
  /** A refusal found on the page before anything reached the worker (e.g. no file chosen). */
  refuseDataset(s: DataSlice, payload: { split: DatasetSplit; message: string }): Partial<DataSlice> {
    return withDataset(s, payload.split, { status: 'refused', summary: null, error: payload.message });
  },
  requestWeightsImport(_s: DataSlice, fileName: string): Partial<DataSlice> {
    return { weights: { status: 'importing', fileName, summary: null, error: null } };
  },
  /** The user chose a stored split for a role (null: none); the worker confirms with a listing. */
  chooseDataset(s: DataSlice, payload: { role: DatasetSplit; choice: DatasetChoice | null }): Partial<DataSlice> {
    const summary = storedSummary(s.storedDatasets, payload.choice ?? undefined);
    const selection = { ...s.datasetSelection };
    if (payload.choice) selection[payload.role] = payload.choice;
    else delete selection[payload.role];
    return { ...withDataset(s, payload.role, summary ? { status: 'ready', summary, error: null } : EMPTY_DATASET), datasetSelection: selection };
  },
  requestGallery(s: DataSlice, payload: { requestId: number; choice: DatasetChoice; offset: number }): Partial<DataSlice> {
    const same = s.gallery && sameStored(s.gallery.choice, payload.choice) && payload.offset > 0;
    return {
      gallery: {
        requestId: payload.requestId,
        choice: payload.choice,
        total: same ? s.gallery!.total : 0,
        items: same ? s.gallery!.items : [],
        loading: true,
        decoded: same ? s.gallery!.decoded : {},
      },
    };
  },
  receiveGallery(s: DataSlice, payload: { requestId: number; offset: number; total: number; items: readonly GalleryImage[] }): Partial<DataSlice> {
    if (!s.gallery || s.gallery.requestId !== payload.requestId) return {};
    const items = [...s.gallery.items.slice(0, payload.offset), ...payload.items];
    return { gallery: { ...s.gallery, total: payload.total, items, loading: false } };
  },
  receiveDecoded(s: DataSlice, payload: { choice: DatasetChoice; imageId: number } & DecodedImage): Partial<DataSlice> {
    if (!s.gallery || !sameStored(s.gallery.choice, payload.choice)) return {};
    const { width, height, rgba, error } = payload;
    return { gallery: { ...s.gallery, decoded: { ...s.gallery.decoded, [payload.imageId]: { width, height, rgba, ...(error ? { error } : {}) } } } };
  },
};
