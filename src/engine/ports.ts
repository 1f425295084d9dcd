/**
 * What the engine needs from the outside, as small interfaces (STYLE: I/O, wall time and outside
 * randomness arrive injected). Node implements them in src/platform/node, the page in
 * src/platform/browser and src/worker.
 */
import type { Batch } from '../data/types';
import type { DETR } from '../model/detr';

/** The training data: DETR's shuffled, drop_last loader, one padded batch per iteration. */
export interface BatchLoader {
  /** len(dataset) // batch_size: iterations in one epoch. */
  readonly batchesPerEpoch: number;
  /** The next batch in order; a new epoch (new shuffle) starts by itself after batchesPerEpoch batches. */
  nextBatch(): Promise<Batch>;
  /** JSON-serialisable position (epoch order, cursor, augmentation RNG) for an exact resume. */
  stateDict(): unknown;
  loadStateDict(state: unknown): void;
}

/** Where training checkpoints live (a folder in Node, IndexedDB on the page). */
export interface CheckpointStore {
  /** Writes `name` atomically from parts written one after another (no partial file is ever visible). */
  save(name: string, parts: readonly Uint8Array[]): Promise<void>;
  load(name: string): Promise<Uint8Array>;
  /** Names of the stored checkpoints. */
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
  /** Detectron2's `last_checkpoint` pointer. */
  setLatest(name: string): Promise<void>;
  getLatest(): Promise<string | undefined>;
}

/** A monotonic clock in seconds (performance.now() / 1000 on both platforms). */
export interface Clock {
  now(): number;
}

/** COCO box evaluation of the model on the validation split: pycocotools' 12 stats by name (AP, AP50, ...). */
export interface Evaluator {
  evaluate(model: DETR): Promise<Record<string, number>>;
}

/** One line of text out (metrics.jsonl, the console). */
export type LineSink = (line: string) => void;
