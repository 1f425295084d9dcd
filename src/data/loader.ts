/**
 * The data loader: a dataset (files + annotations) + an ImageDecoder + a transform + a BatchSampler
 * -> padded `Batch`es, one at a time. Only the current batch's images are read and decoded, so memory
 * stays bounded by one batch whatever the dataset's size. Per image it does what DETR's
 * CocoDetection.__getitem__ does: decode (PIL convert('RGB')), ConvertCocoPolysToMask on the decoded
 * size, the transform; then collate_fn pads the batch.
 *
 * `state()` = {sampler, rng}: restoring it continues the same batch order and the same augmentation
 * draws (the Rng state is the transform's position in its random stream).
 */
import type { DetrConfig } from '../config/config';
import { Rng, type RngState } from '../math/rng';
import { collate } from './collate';
import type { Dataset } from './dataset';
import type { DatasetWarning } from './errors';
import type { ImageDecoder } from './ports';
import { BatchSampler, type SamplerState } from './sampler';
import { prepareTarget } from './target';
import { buildTransform } from './train_transform';
import type { Transform } from './transforms';
import type { Batch, Sample } from './types';

export interface LoaderState {
  sampler: SamplerState;
  rng: RngState;
}

export interface LoadedBatch {
  batch: Batch;
  epoch: number;
  /** 0-based batch number within the epoch. */
  index: number;
  /** The images' file names, in batch order. */
  fileNames: string[];
}

export interface LoaderOptions {
  /** Told once per image about size mismatches found when decoding. */
  onWarning?: (w: DatasetWarning) => void;
}

/** Reads, decodes and transforms dataset images by position; the transform is applied in order. */
export async function loadSamples(
  ds: Dataset,
  decoder: ImageDecoder,
  transform: Transform,
  indices: readonly number[],
  onWarning?: (w: DatasetWarning) => void,
): Promise<Sample[]> {
  // Reads and decodes may overlap; the (possibly random) transform runs in batch order.
  const decoded = await Promise.all(
    indices.map(async (i) => {
      const im = ds.images[i];
      const img = await decoder.decode(await ds.source.read(im.path), im.file_name);
      if (onWarning && ((im.width !== null && im.width !== img.width) || (im.height !== null && im.height !== img.height))) {
        onWarning({
          code: 'image-size-mismatch',
          message: `${im.file_name}: stored image is ${img.width}x${img.height} but the annotations say ${im.width}x${im.height} (the stored size is used, as DETR does)`,
          file_name: im.file_name,
          image_id: im.id,
        });
      }
      return img;
    }),
  );
  return indices.map((i, k) => {
    const im = ds.images[i];
    const img = decoded[k];
    const { target } = prepareTarget(im.id, ds.annotations.get(im.id) ?? [], img.width, img.height);
    return transform(img, target);
  });
}

export class DataLoader {
  private readonly warned = new Set<number>();

  constructor(
    readonly dataset: Dataset,
    private readonly decoder: ImageDecoder,
    private readonly transform: Transform,
    readonly sampler: BatchSampler,
    private readonly rng: Rng,
    private readonly opts: LoaderOptions = {},
  ) {}

  async nextBatch(): Promise<LoadedBatch> {
    const { indices, epoch, index } = this.sampler.next();
    const onWarning = this.opts.onWarning
      ? (w: DatasetWarning) => {
          if (w.image_id !== undefined && !this.warned.has(w.image_id)) {
            this.warned.add(w.image_id);
            this.opts.onWarning!(w);
          }
        }
      : undefined;
    const samples = await loadSamples(this.dataset, this.decoder, this.transform, indices, onWarning);
    return { batch: collate(samples), epoch, index, fileNames: indices.map((i) => this.dataset.images[i].file_name) };
  }

  state(): LoaderState {
    return { sampler: this.sampler.state(), rng: this.rng.state() };
  }

  setState(s: LoaderState): void {
    this.sampler.setState(s.sampler);
    this.rng.setState(s.rng);
  }
}

/**
 * The training loader DETR's main.py builds: with `augment` a shuffling sampler and the training
 * augmentation, without it ascending image id and the evaluation transform; batch_size, drop_last.
 */
export function buildTrainLoader(
  cfg: Pick<DetrConfig, 'batch_size' | 'seed' | 'augment' | 'min_size' | 'max_size'>,
  ds: Dataset,
  decoder: ImageDecoder,
  opts: LoaderOptions & { state?: LoaderState } = {},
): DataLoader {
  const sampler = new BatchSampler(ds.images.length, cfg.batch_size, cfg.augment, cfg.seed);
  const rng = new Rng((cfg.seed ^ 0x5bd1e995) >>> 0);
  const loader = new DataLoader(ds, decoder, buildTransform(cfg, 'train', rng), sampler, rng, opts);
  if (opts.state) loader.setState(opts.state);
  return loader;
}

/**
 * Images by position (all of them by default) through the evaluation transform, as one padded batch:
 * what `loss` and `predict` feed the model (DETR's val loader with every image in one batch).
 */
export async function loadEvalBatch(
  cfg: Pick<DetrConfig, 'min_size' | 'max_size'>,
  ds: Dataset,
  decoder: ImageDecoder,
  indices: readonly number[] = ds.images.map((_, i) => i),
): Promise<Batch> {
  const transform = buildTransform({ ...cfg, augment: false }, 'val', new Rng(0));
  return collate(await loadSamples(ds, decoder, transform, indices));
}
