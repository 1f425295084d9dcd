/**
 * DETR's datasets/transforms.py on (RgbImage, PixelTarget) pairs, in float32 as the torch code computes:
 *   resize (get_size_with_aspect_ratio + PIL bilinear), hflip, crop, and the final ToTensor + Normalize
 *   that also turns boxes into cxcywh divided by the (unpadded) image size.
 * make_coco_transforms('val')   = RandomResize([min_size], max_size) + normalize  -> `evalTransform`
 * make_coco_transforms('train') = RandomHorizontalFlip, RandomSelect(RandomResize(scales, max_size),
 *   Compose(RandomResize([400, 500, 600]), RandomSizeCrop(384, 600), RandomResize(scales, max_size)))
 *   + normalize -> `trainTransform` (train_transform.ts, which scales those sizes to the config).
 */
import { resizeBilinear } from './resize';
import type { PixelTarget } from './target';
import type { RgbImage, Sample, Target } from './types';

const f32 = Math.fround;

export const IMAGENET_MEAN: readonly number[] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly number[] = [0.229, 0.224, 0.225];

/** Python's round() for the halfway cases: round half to even. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * DETR's get_size_with_aspect_ratio((w, h), size, max_size) -> [oh, ow]: the shorter side becomes
 * `size` unless the longer would then exceed max_size (then size = int(round(max_size * short / long)));
 * the longer side is int()-truncated; an image whose shorter side already equals size keeps its size.
 */
export function getSizeWithAspectRatio(w: number, h: number, size: number, maxSize: number | null): [number, number] {
  if (maxSize !== null) {
    const minOrig = Math.min(w, h);
    const maxOrig = Math.max(w, h);
    if ((maxOrig / minOrig) * size > maxSize) size = Math.trunc(pyRound((maxSize * minOrig) / maxOrig));
  }
  if ((w <= h && w === size) || (h <= w && h === size)) return [h, w];
  if (w < h) return [Math.trunc((size * h) / w), size];
  return [size, Math.trunc((size * w) / h)];
}

/** DETR's `resize(image, target, size, max_size)` with a scalar size. */
export function resize(img: RgbImage, t: PixelTarget, size: number, maxSize: number | null): [RgbImage, PixelTarget] {
  const [oh, ow] = getSizeWithAspectRatio(img.width, img.height, size, maxSize);
  const out = resizeBilinear(img, ow, oh);
  // ratios = new / old in doubles; torch.as_tensor([rw, rh, rw, rh]) holds them as float32.
  const rw = ow / img.width;
  const rh = oh / img.height;
  const rw32 = f32(rw);
  const rh32 = f32(rh);
  const boxes = new Float32Array(t.boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = f32(t.boxes[i] * rw32);
    boxes[i + 1] = f32(t.boxes[i + 1] * rh32);
    boxes[i + 2] = f32(t.boxes[i + 2] * rw32);
    boxes[i + 3] = f32(t.boxes[i + 3] * rh32);
  }
  // area * (ratio_width * ratio_height): the python product, then float32 (a CPU scalar operand).
  const ra = f32(rw * rh);
  const area = t.area.map((a) => f32(a * ra));
  return [out, { ...t, boxes, area, size: [oh, ow] }];
}

/** DETR's `hflip`: mirror the image; boxes [w - x1, y0, w - x0, y1]. */
export function hflip(img: RgbImage, t: PixelTarget): [RgbImage, PixelTarget] {
  const { width: w, height: h } = img;
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = (y * w + (w - 1 - x)) * 3;
      data[d] = img.data[s];
      data[d + 1] = img.data[s + 1];
      data[d + 2] = img.data[s + 2];
    }
  }
  const boxes = new Float32Array(t.boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = f32(w - t.boxes[i + 2]);
    boxes[i + 1] = t.boxes[i + 1];
    boxes[i + 2] = f32(w - t.boxes[i]);
    boxes[i + 3] = t.boxes[i + 3];
  }
  return [{ width: w, height: h, data }, { ...t, boxes }];
}

/**
 * DETR's `crop(image, target, (top, left, h, w))`: boxes shifted by (left, top), clipped to [0, w]x[0, h],
 * area recomputed from the clipped box, and boxes left empty (x1 <= x0 or y1 <= y0) dropped with their
 * labels, area and iscrowd. The region lies inside the image (RandomSizeCrop guarantees it).
 */
export function crop(img: RgbImage, t: PixelTarget, top: number, left: number, h: number, w: number): [RgbImage, PixelTarget] {
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    const s = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(s, s + w * 3), y * w * 3);
  }
  const keep: number[] = [];
  const boxes: number[] = [];
  const area: number[] = [];
  for (let i = 0; i < t.labels.length; i++) {
    const b = t.boxes.subarray(i * 4, i * 4 + 4);
    const x0 = clip(f32(b[0] - left), w);
    const y0 = clip(f32(b[1] - top), h);
    const x1 = clip(f32(b[2] - left), w);
    const y1 = clip(f32(b[3] - top), h);
    if (x1 > x0 && y1 > y0) {
      keep.push(i);
      boxes.push(x0, y0, x1, y1);
      area.push(f32(f32(x1 - x0) * f32(y1 - y0)));
    }
  }
  const target: PixelTarget = {
    ...t,
    labels: Int32Array.from(keep, (i) => t.labels[i]),
    boxes: Float32Array.from(boxes),
    area: Float32Array.from(area),
    iscrowd: Uint8Array.from(keep, (i) => t.iscrowd[i]),
    size: [h, w],
  };
  return [{ width: w, height: h, data }, target];
}

/** torch.min(box, max_size) then clamp(min=0). */
function clip(v: number, hi: number): number {
  const m = v < hi ? v : hi;
  return m < 0 ? 0 : m;
}

/**
 * ToTensor + Normalize: pixels (x / 255 - mean) / std in float32, laid out [H, W, 3]; boxes xyxy ->
 * cxcywh divided by [w, h, w, h] of this (unpadded) image.
 */
export function normalize(img: RgbImage, t: PixelTarget): Sample {
  const { width: w, height: h } = img;
  const image = new Float32Array(w * h * 3);
  const mean = IMAGENET_MEAN.map(f32);
  const std = IMAGENET_STD.map(f32);
  for (let i = 0; i < image.length; i += 3) {
    for (let c = 0; c < 3; c++) image[i + c] = f32(f32(f32(img.data[i + c] / 255) - mean[c]) / std[c]);
  }
  const boxes = new Float32Array(t.boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const [x0, y0, x1, y1] = t.boxes.subarray(i, i + 4);
    boxes[i] = f32(f32(f32(x0 + x1) / 2) / w);
    boxes[i + 1] = f32(f32(f32(y0 + y1) / 2) / h);
    boxes[i + 2] = f32(f32(x1 - x0) / w);
    boxes[i + 3] = f32(f32(y1 - y0) / h);
  }
  const target: Target = {
    image_id: t.image_id,
    labels: t.labels,
    boxes,
    area: t.area,
    iscrowd: t.iscrowd,
    orig_size: t.orig_size,
    size: [h, w],
  };
  return { image, height: h, width: w, target };
}

/** A transform: (decoded image, prepared target) -> a normalised sample. Random ones draw from an Rng. */
export type Transform = (img: RgbImage, target: PixelTarget) => Sample;

/** make_coco_transforms('val') with the config's sizes: RandomResize([min_size], max_size) + normalize. */
export function evalTransform(minSize: number, maxSize: number): Transform {
  return (img, t) => {
    const [r, rt] = resize(img, t, minSize, maxSize);
    return normalize(r, rt);
  };
}
