/**
 * The page <-> training worker protocol: types only (the UI imports this file too).
 *
 * A tagged union on `type`. Commands (page -> worker) are imperative; events (worker -> page) are in
 * the past tense. Data that crosses this line keeps its official DETR spelling (config keys, loss
 * keys `loss_ce`, `loss_giou_3`, COCO `category_id` / `bbox`). Every command that expects a reply of
 * its own carries a `requestId`, echoed by the reply (or by `failed`).
 */
import type { DetrConfig } from '../config/config';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type DatasetSplit = 'train' | 'val';

/** What the worker runs on. */
export interface BackendReport {
  backend: BackendName;
  /** WebGPU adapter, "vendor · architecture · description". */
  adapter?: string;
  /** One sentence saying why WebGPU is not in use; absent when it is. */
  fallbackReason?: string;
}

/**
 * One training iteration's scalars, as Detectron2's metrics.json and the CLI's metrics.jsonl write
 * them: `time` is the iteration's wall time in seconds, `data_time` the part spent waiting for data.
 * Loss keys follow DETR (`loss_ce`, `loss_bbox`, `loss_giou`, auxiliary `loss_ce_0`...).
 */
export interface MetricsRecord {
  iteration: number;
  epoch: number;
  lr: number;
  total_loss: number;
  class_error: number;
  cardinality_error: number;
  time: number;
  data_time: number;
  [loss: `loss_${string}`]: number;
}

/**
 * Many records column by column (NaN where a record lacks a key): one Float64Array per key, sent
 * as transferables. Copying 500 record objects onto the main thread cost 10-50 ms; these cost ~0.
 */
export interface MetricsColumns {
  keys: string[];
  columns: Float64Array[];
  rows: number;
}

/** pycocotools' 12 box stats (fractions, -1 where undefined). */
export interface EvalStats {
  AP: number;
  AP50: number;
  AP75: number;
  APs: number;
  APm: number;
  APl: number;
  AR1: number;
  AR10: number;
  AR100: number;
  ARs: number;
  ARm: number;
  ARl: number;
  /** AP of each category (absent when the evaluator did not report them). */
  categories?: readonly CategoryAP[];
}

export interface DatasetCategory {
  id: number;
  name: string;
}

/** What an import found; `warnings` name each skipped or suspicious item. */
export interface DatasetSummary {
  /** The annotations file (or zip) name. */
  source: string;
  /** Usable images (as `detr-studio inspect` counts them). */
  images: number;
  /** Boxes DETR trains on (crowd, empty and outside boxes excluded), as `inspect` counts them. */
  annotations: number;
  categories: readonly DatasetCategory[];
  warnings: readonly string[];
  /** DETR's num_classes for this dataset: max category id + 1. */
  numClasses: number;
  /** The stored dataset and split this summary describes (absent before it is stored). */
  stored?: DatasetChoice;
  /** Training boxes per category id, ascending id (ids missing from `categories` included). */
  categoryCounts?: readonly { id: number; boxes: number }[];
  /** Training boxes by size, sqrt(w*h) in stored pixels: counts[i] lie in [edges[i], edges[i+1]). */
  boxSizes?: { edges: readonly number[]; counts: readonly number[] };
}

/** The splits a stored dataset can hold: Roboflow's train/valid/test, or 'all' for one annotations file. */
export type StoredSplitName = 'train' | 'val' | 'test' | 'all';

/** One stored split of one stored dataset: what the trainer loads (`loadStoredDataset(id, split)`). */
export interface DatasetChoice {
  id: string;
  split: StoredSplitName;
}

/** Which stored split trains and which validates (kept in IndexedDB, so it survives a reload). */
export type DatasetSelection = Partial<Record<DatasetSplit, DatasetChoice>>;

/** A dataset kept in IndexedDB (images as Blobs), as the stored-datasets list shows it. */
export interface StoredDatasetInfo {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Bytes stored: image files plus the annotations files. */
  bytes: number;
  /** Of the main split (train, else the only one). */
  images: number;
  boxes: number;
  categories: number;
  /** Every stored split with its summary (warnings included). */
  splits: Partial<Record<StoredSplitName, DatasetSummary>>;
}

/** One stored image for the gallery: its file as stored, and its annotations (pixels of the stored image). */
export interface GalleryImage {
  imageId: number;
  fileName: string;
  /** Stored pixel size (boxes refer to it; EXIF orientation is not applied, as in DETR). */
  width: number;
  height: number;
  blob: Blob;
  boxes: readonly { category_id: number; bbox: [number, number, number, number]; iscrowd: 0 | 1 }[];
}

/** An import under way: files read and stored, of all to read. */
export interface ImportProgress {
  split: DatasetSplit;
  phase: 'reading' | 'storing' | 'done';
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  /** Bytes per second over the import so far, in MB (10^6 bytes). */
  mbPerSec: number;
}

export interface WeightsSummary {
  fileName: string;
  /** Number of tensors read from the file. */
  tensors: number;
  /** e.g. "full DETR state_dict", "torchvision ResNet backbone". */
  kind: string;
  warnings: readonly string[];
  /** How the file fits the config it was checked against (model/state_dict.ts loadStateDict's report). */
  fit?: WeightsFit;
}

/** What loading a weights file into the model of a config did (or would do). */
export interface WeightsFit {
  /** e.g. "Tiny (resnet18, hidden 64)": the config checked against. */
  against: string;
  /** Tensors that load. */
  loaded: number;
  /** Kept at their fresh initialisation because the file's shape differs (the class head for another num_classes). */
  reinitialized: readonly string[];
  /** The model's tensors the file lacks (they keep their initialisation: a backbone-only file). */
  missing: readonly string[];
  /** Set when the file does not fit at all: one sentence naming the keys. */
  error?: string;
}

export interface CheckpointInfo {
  /** `<run id>/<file name>`: what `exportCheckpoint` and `start.resumeFrom` take. */
  id: string;
  iteration: number;
  epoch: number;
  /** Milliseconds since the epoch, worker clock. */
  savedAt: number;
  sizeBytes: number;
}

/** One detection in COCO results form. */
export interface Detection {
  category_id: number;
  /** [x, y, w, h] in pixels of the original image. */
  bbox: [number, number, number, number];
  score: number;
  /** The category's name in the dataset the run trains on, when it has one. */
  name?: string;
}

export interface PredictionResult {
  fileName: string;
  width: number;
  height: number;
  detections: readonly Detection[];
  /** The image's bytes, for images the page does not hold (validation images read from storage). */
  image?: Blob;
  /** The image's annotations (validation images), boxes in pixels as in the annotations file. */
  groundTruth?: readonly { category_id: number; bbox: [number, number, number, number]; name?: string }[];
}

/** Per-category AP (pycocotools' precision averaged for one category), with the category's name. */
export interface CategoryAP {
  name: string;
  AP: number;
}

/** A training run kept in IndexedDB: its checkpoints and metrics, resumable from its latest checkpoint. */
export interface RunInfo {
  id: string;
  /** e.g. "Tiny · shapes (20 images)". */
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  /** Iterations completed at the latest checkpoint (0 when none was saved). */
  iteration: number;
  epoch: number;
  maxIter: number;
  status: 'running' | 'paused' | 'stopped' | 'finished' | 'failed';
  /** Oldest first. */
  checkpoints: readonly CheckpointInfo[];
}

// ---------------------------------------------------------------- commands (page -> worker)

export type WorkerCommand =
  /** Pick and start a tfjs backend (default: the preference list from webgpu). Answered by `ready`. */
  | { type: 'init'; backend?: BackendName }
  /**
   * COCO annotations JSON with its images, a folder's files, or one .zip; stored in IndexedDB and chosen
   * for `split`. `paths[i]` is files[i]'s path inside what was dropped (default: its webkitRelativePath,
   * else its name). Progress comes as `importProgressed`; answered by `datasetImported` (then
   * `datasetsListed`) or `datasetRefused`. One import runs at a time.
   */
  | { type: 'importDataset'; split: DatasetSplit; files: readonly File[]; paths?: readonly string[] }
  /** A dataset this origin serves (the sample data): `base` URL + its annotations path. Answered as importDataset. */
  | { type: 'importServedDataset'; split: DatasetSplit; base: string; annotations: string; name: string }
  /** Stops the running import; it ends in `datasetRefused` and leaves nothing stored. */
  | { type: 'cancelImport' }
  /** Answered by `datasetsListed`. */
  | { type: 'listDatasets' }
  | { type: 'renameDataset'; id: string; name: string }
  | { type: 'deleteDataset'; id: string }
  /** Chooses the stored split that trains (`role` 'train') or validates ('val'); null clears it. */
  | { type: 'selectDataset'; role: DatasetSplit; choice: DatasetChoice | null }
  /** Images of a stored split for the gallery, by position in ascending image id. Answered by `datasetImagesRead`. */
  | { type: 'readDatasetImages'; requestId: number; choice: DatasetChoice; offset: number; count: number }
  /** One stored image decoded exactly as training decodes it (RGB, stored orientation, alpha dropped). Answered by `datasetImageDecoded`. */
  | { type: 'decodeDatasetImage'; choice: DatasetChoice; imageId: number }
  /** .safetensors or .pth, checked against `config` when given (its fit is reported). Answered by `weightsImported` or `failed`. */
  | { type: 'importWeights'; file: File; config?: DetrConfig }
  /**
   * Build the model and train; `maxIter` caps the run (default: epochs x iterations per epoch).
   * `resumeFrom`: a run id (its latest checkpoint) or a checkpoint id; the run's config and data are used.
   */
  | { type: 'start'; config: DetrConfig; maxIter?: number; resumeFrom?: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** COCO evaluation on the val split (train split when none). Answered by `evaluated`. */
  | { type: 'evaluate' }
  | { type: 'predict'; requestId: number; images: readonly File[]; threshold: number }
  /** The first `count` validation images (training images when there is no validation set), with ground truth. */
  | { type: 'predictValidation'; requestId: number; count: number; threshold: number }
  /** Answered by `runsListed`. */
  | { type: 'listRuns' }
  /** Deletes a stored run with its checkpoints and metrics; answered by `runsListed`. */
  | { type: 'deleteRun'; id: string }
  /** The current run's metrics as JSON lines (as the CLI's metrics.jsonl). Answered by `metricsExported`. */
  | { type: 'exportMetrics'; requestId: number }
  | { type: 'exportWeights'; requestId: number }
  | { type: 'exportCheckpoint'; requestId: number; checkpointId?: string }
  /** Chart a run trained elsewhere: a metrics.jsonl as the CLI writes it. Answered by `metricsOpened` chunks. */
  | { type: 'openMetrics'; file: File };

export type WorkerCommandType = WorkerCommand['type'];

// ---------------------------------------------------------------- events (worker -> page)

export type WorkerEvent =
  | { type: 'ready'; backend: BackendReport }
  | { type: 'datasetImported'; split: DatasetSplit; summary: DatasetSummary }
  | { type: 'datasetRefused'; split: DatasetSplit; message: string }
  | { type: 'importProgressed'; progress: ImportProgress }
  /** The stored datasets and the current choice (after startup, an import, a rename, a delete, a choice). */
  | { type: 'datasetsListed'; datasets: readonly StoredDatasetInfo[]; selection: DatasetSelection }
  | { type: 'datasetImagesRead'; requestId: number; choice: DatasetChoice; offset: number; total: number; items: readonly GalleryImage[] }
  /** `rgba`: width x height pixels, alpha 255 (transferred); `error` instead when the image cannot be decoded. */
  | { type: 'datasetImageDecoded'; choice: DatasetChoice; imageId: number; width: number; height: number; rgba: ArrayBuffer | null; error?: string }
  | { type: 'weightsImported'; summary: WeightsSummary }
  /** `config`: the run's config (a resumed run's comes from its checkpoint); `notes`: what loading weights did. */
  | { type: 'started'; iteration: number; maxIter: number; itersPerEpoch: number; runId?: string; config?: DetrConfig; notes?: readonly string[] }
  /** A resumed run's metrics and evaluations before its first new iteration (sent before `started`). */
  | { type: 'metricsRestored'; chunk: MetricsColumns; evals: readonly { iteration: number; stats: EvalStats }[] }
  | { type: 'runsListed'; runs: readonly RunInfo[] }
  | { type: 'metricsExported'; requestId: number; fileName: string; bytes: ArrayBuffer }
  /** A long phase outside the step loop moved on (building the model, decoding images...). */
  | { type: 'progressed'; phase: string; done?: number; total?: number }
  /** One or more finished iterations, oldest first (batched: at most ~10 of these a second). */
  | { type: 'stepFinished'; records: readonly MetricsRecord[] }
  | { type: 'paused'; iteration: number }
  | { type: 'resumed'; iteration: number }
  | { type: 'checkpointSaved'; checkpoint: CheckpointInfo }
  | { type: 'evaluated'; iteration: number; stats: EvalStats }
  | { type: 'predicted'; requestId: number; results: readonly PredictionResult[] }
  | { type: 'weightsExported'; requestId: number; fileName: string; bytes: ArrayBuffer }
  | { type: 'checkpointExported'; requestId: number; fileName: string; bytes: ArrayBuffer }
  /** Rows read from a metrics.jsonl, in chunks (`first` starts a new chart history, `last` ends it; `total` rows in all). */
  | { type: 'metricsOpened'; source: string; chunk: MetricsColumns; first: boolean; last: boolean; total: number }
  /** The run ended: the user stopped it, it reached maxIter, or it failed (a `failed` comes first). */
  | { type: 'stopped'; iteration: number; reason: 'requested' | 'finished' | 'failed' }
  /** A command could not be carried out; `message` is one sentence naming the problem and place. */
  | { type: 'failed'; message: string; command?: WorkerCommandType; requestId?: number };

export type WorkerEventType = WorkerEvent['type'];
