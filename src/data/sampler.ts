/**
 * The order in which training visits images, as DETR's loader: BatchSampler(RandomSampler, batch_size,
 * drop_last=True) — a fresh permutation each epoch, batches of batch_size, the incomplete last batch
 * dropped — or, with `augment: false`, SequentialSampler (ascending image id every epoch).
 *
 * Resumable (maskrcnn-benchmark's start_iter idea): the state is {epoch, index, seed}, where index
 * counts the batches already taken in this epoch. Each epoch's permutation is recomputed from
 * (seed, epoch), so a run restored from a checkpoint mid-epoch continues with exactly the batches it
 * would have had.
 */
import { Rng } from '../math/rng';
import { DatasetError } from './errors';

export interface SamplerState {
  epoch: number;
  /** Batches already taken in `epoch`. */
  index: number;
  seed: number;
}

export interface SamplerBatch {
  /** Positions in the dataset's image list (ascending image id order). */
  indices: number[];
  epoch: number;
  /** 0-based batch number within the epoch. */
  index: number;
}

export class BatchSampler {
  private epoch = 0;
  private index = 0;
  private order: number[] | null = null;

  constructor(
    readonly numImages: number,
    readonly batchSize: number,
    readonly shuffle: boolean,
    readonly seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`BatchSampler: batch_size must be a positive integer, got ${batchSize}`);
    if (numImages < batchSize) {
      throw new DatasetError(
        `the dataset has ${numImages} usable image${numImages === 1 ? '' : 's'}, fewer than batch_size ${batchSize}: every batch would be incomplete and dropped (as DETR's drop_last does); lower batch_size`,
      );
    }
  }

  /** Full batches per epoch (len(BatchSampler) with drop_last). */
  get batchesPerEpoch(): number {
    return Math.floor(this.numImages / this.batchSize);
  }

  /** The permutation of epoch `epoch`: identity without shuffle, else a seeded Fisher-Yates. */
  epochOrder(epoch: number): number[] {
    const ids = Array.from({ length: this.numImages }, (_, i) => i);
    if (!this.shuffle) return ids;
    return new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).shuffle(ids);
  }

  next(): SamplerBatch {
    if (this.index >= this.batchesPerEpoch) {
      this.epoch++;
      this.index = 0;
      this.order = null;
    }
    this.order ??= this.epochOrder(this.epoch);
    const start = this.index * this.batchSize;
    const batch = { indices: this.order.slice(start, start + this.batchSize), epoch: this.epoch, index: this.index };
    this.index++;
    return batch;
  }

  state(): SamplerState {
    return { epoch: this.epoch, index: this.index, seed: this.seed };
  }

  setState(s: SamplerState): void {
    if (s.seed !== this.seed) throw new Error(`BatchSampler: state seed ${s.seed} differs from this sampler's ${this.seed}`);
    if (!Number.isInteger(s.epoch) || s.epoch < 0 || !Number.isInteger(s.index) || s.index < 0 || s.index > this.batchesPerEpoch) {
      throw new Error(`BatchSampler: invalid state ${JSON.stringify(s)} (${this.batchesPerEpoch} batches per epoch)`);
    }
    this.epoch = s.epoch;
    this.index = s.index;
    this.order = null;
  }
}
