/**
 * DETR's training augmentation, make_coco_transforms('train'), with its sizes scaled to the config:
 *
 *   RandomHorizontalFlip(0.5),
 *   RandomSelect(p=0.5:
 *     RandomResize(scales, max_size),
 *     Compose(RandomResize([400, 500, 600]), RandomSizeCrop(384, 600), RandomResize(scales, max_size))),
 *   ToTensor + Normalize
 *
 * Scaling: official DETR trains with min_size 800 (scales 480..800 step 32, max_size 1333). Here every
 * pixel size in that recipe (the 11 scales, the 400/500/600 pre-crop resize, the 384..600 crop range)
 * is multiplied by min_size / 800 and rounded (at least 1), and max_size is the config's max_size.
 * With the official min_size 800 this is exactly DETR's recipe; with a small min_size (e.g. 64 for
 * quick runs) the augmentation keeps the same proportions instead of upscaling to 400-600 px and
 * cropping. Randomness comes from a seeded Rng, drawn in DETR's order (flip, select, sizes, crop).
 */
import type { DetrConfig } from '../config/config';
import type { Rng } from '../math/rng';
import { crop, evalTransform, hflip, normalize, resize, type Transform } from './transforms';
import type { PixelTarget } from './target';
import type { RgbImage } from './types';

export const OFFICIAL_MIN_SIZE = 800;
export const OFFICIAL_SCALES: readonly number[] = [480, 512, 544, 576, 608, 640, 672, 704, 736, 768, 800];
export const OFFICIAL_PRECROP_SIZES: readonly number[] = [400, 500, 600];
export const OFFICIAL_CROP: readonly [number, number] = [384, 600];

export interface TrainSizes {
  scales: number[];
  maxSize: number;
  precropSizes: number[];
  cropMin: number;
  cropMax: number;
}

/** The recipe's sizes scaled by minSize / 800 (identity at 800). */
export function scaledTrainSizes(minSize: number, maxSize: number): TrainSizes {
  const s = minSize / OFFICIAL_MIN_SIZE;
  const scale = (v: number) => Math.max(1, Math.round(v * s));
  return {
    scales: OFFICIAL_SCALES.map(scale),
    maxSize,
    precropSizes: OFFICIAL_PRECROP_SIZES.map(scale),
    cropMin: scale(OFFICIAL_CROP[0]),
    cropMax: scale(OFFICIAL_CROP[1]),
  };
}

/** DETR's RandomSizeCrop(min, max): crop size uniform in [min, min(side, max)], position uniform. */
export function randomSizeCrop(img: RgbImage, t: PixelTarget, cropMin: number, cropMax: number, rng: Rng): [RgbImage, PixelTarget] {
  const hiW = Math.min(img.width, cropMax);
  const hiH = Math.min(img.height, cropMax);
  // Python's randint raises when the image is smaller than min; the recipe's pre-resize prevents that,
  // and for odd inputs the whole side is taken instead.
  const w = rng.randint(Math.min(cropMin, hiW), hiW);
  const h = rng.randint(Math.min(cropMin, hiH), hiH);
  // torchvision T.RandomCrop.get_params: i then j, each uniform over the valid offsets.
  if (w === img.width && h === img.height) return crop(img, t, 0, 0, h, w);
  const top = rng.randint(0, img.height - h);
  const left = rng.randint(0, img.width - w);
  return crop(img, t, top, left, h, w);
}

export function trainTransform(sizes: TrainSizes, rng: Rng): Transform {
  return (img0, t0) => {
    let img = img0;
    let t = t0;
    if (rng.uniform() < 0.5) [img, t] = hflip(img, t);
    if (rng.uniform() < 0.5) {
      [img, t] = resize(img, t, rng.choice(sizes.scales), sizes.maxSize);
    } else {
      [img, t] = resize(img, t, rng.choice(sizes.precropSizes), null);
      [img, t] = randomSizeCrop(img, t, sizes.cropMin, sizes.cropMax, rng);
      [img, t] = resize(img, t, rng.choice(sizes.scales), sizes.maxSize);
    }
    return normalize(img, t);
  };
}

/**
 * The transform a split uses: 'train' with `augment` -> the augmentation above; 'train' without
 * `augment`, and 'val' -> the evaluation transform (RandomResize([min_size], max_size)).
 */
export function buildTransform(cfg: Pick<DetrConfig, 'min_size' | 'max_size' | 'augment'>, split: 'train' | 'val', rng: Rng): Transform {
  if (split === 'train' && cfg.augment) return trainTransform(scaledTrainSizes(cfg.min_size, cfg.max_size), rng);
  return evalTransform(cfg.min_size, cfg.max_size);
}
