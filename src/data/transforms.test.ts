import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng';
import { hasTorchvision, runDetrTransforms, type PyOp, type PyResult } from '../testing/detr_transforms_py';
import { skipReason } from '../testing/paths';
import type { PixelTarget } from './target';
import { crop, evalTransform, getSizeWithAspectRatio, hflip, normalize, resize } from './transforms';
import { buildTransform, randomSizeCrop, scaledTrainSizes, trainTransform } from './train_transform';
import type { RgbImage, Sample } from './types';

function image(w: number, h: number, seed: number): RgbImage {
  const rng = new Rng(seed);
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i % 3 === 0 ? (i >> 4) & 255 : rng.randint(0, 255));
  return { width: w, height: h, data };
}

function target(w: number, h: number): PixelTarget {
  // Boxes inside, touching the border, tiny, and with fractional coordinates.
  const boxes = [5.5, 3.25, 40.75, 30, 0, 0, w, h, w - 10.5, h - 7, w, h, 20, 10, 21.5, 11.25];
  return {
    image_id: 3,
    labels: Int32Array.from([1, 0, 7, 2]),
    boxes: Float32Array.from(boxes),
    area: Float32Array.from([1000.5, w * h, 73.5, 2.8125]),
    iscrowd: new Uint8Array(4),
    orig_size: [h, w],
    size: [h, w],
  };
}

describe('getSizeWithAspectRatio (DETR, fixtures README item 23)', () => {
  it.each([
    // [w, h, size, max, expected [oh, ow]]: hand-derived from DETR's code
    [80, 64, 64, 128, [64, 80]], // short side already 64: unchanged
    [64, 96, 64, 128, [96, 64]],
    [640, 480, 800, 1333, [800, 1066]], // 800*640/480 = 1066.67 -> int 1066
    // 5 * 800 > 1333 -> size = int(round(1333 * 200 / 1000 = 266.6)) = 267; ow = int(267 * 5) = 1335
    // (the truncated long side may exceed max_size by a little, as in DETR).
    [1000, 200, 800, 1333, [267, 1335]],
  ])('%i x %i to %i (max %i)', (w, h, size, max, expected) => {
    expect(getSizeWithAspectRatio(w, h, size, max)).toEqual(expected);
  });

  it('rounds half to even like Python (int(round(2.5)) == 2)', () => {
    // max_size * short / long = 5 * 1 / 2 = 2.5 -> 2 (Math.round would give 3).
    expect(getSizeWithAspectRatio(2, 1, 10, 5)).toEqual([2, 4]);
    // 7 * 1 / 2 = 3.5 -> 4.
    expect(getSizeWithAspectRatio(2, 1, 10, 7)).toEqual([4, 8]);
  });

  it('without max_size scales the short side only', () => {
    expect(getSizeWithAspectRatio(300, 200, 500, null)).toEqual([500, 750]);
    expect(getSizeWithAspectRatio(201, 300, 400, null)).toEqual([597, 400]);
  });
});

const tv = hasTorchvision();
const why = tv ? '' : skipReason('DETR transform parity', 'no /usr/bin/python3 with torch + torchvision + PIL');

function expectSame(ours: Sample | [RgbImage, PixelTarget], ref: PyResult): void {
  if (Array.isArray(ours)) {
    const [img, t] = ours;
    expect([img.height, img.width]).toEqual([ref.height, ref.width]);
    expect(Buffer.compare(Buffer.from(img.data), Buffer.from(ref.rgb!))).toBe(0);
    expect(Array.from(t.boxes)).toEqual(ref.boxes);
    expect(Array.from(t.area)).toEqual(ref.area);
    expect(Array.from(t.labels)).toEqual(ref.labels);
    expect(t.size).toEqual(ref.size);
    return;
  }
  expect([ours.height, ours.width]).toEqual([ref.height, ref.width]);
  let maxAbs = 0;
  for (let i = 0; i < ref.pixels!.length; i++) maxAbs = Math.max(maxAbs, Math.abs(ours.image[i] - ref.pixels![i]));
  expect(maxAbs).toBe(0);
  expect(Array.from(ours.target.boxes)).toEqual(ref.boxes);
  expect(Array.from(ours.target.area)).toEqual(ref.area);
  expect(Array.from(ours.target.labels)).toEqual(ref.labels);
  expect(ours.target.size).toEqual(ref.size);
}

describe.skipIf(!tv)(`DETR transforms, bit-exact with torch/torchvision/PIL${why ? ` (${why})` : ''}`, () => {
  it('eval transform with a real resize (down and up) + normalize', () => {
    const sizes = [[150, 97, 64, 128], [61, 45, 64, 128], [333, 500, 80, 100], [90, 64, 64, 1333]];
    const jobs = sizes.map(([w, h, min, max]) => ({
      img: image(w, h, w),
      t: target(w, h),
      ops: [{ op: 'resize', size: min, max_size: max }, { op: 'normalize' }] as PyOp[],
    }));
    const refs = runDetrTransforms(jobs);
    jobs.forEach((j, i) => expectSame(evalTransform(sizes[i][2], sizes[i][3])(j.img, j.t), refs[i]));
  });

  it('resize, hflip and crop (boxes clipped, emptied ones dropped, area recomputed)', () => {
    const img = image(120, 90, 5);
    const t = target(120, 90);
    const cases: [PyOp[], () => [RgbImage, PixelTarget]][] = [
      [[{ op: 'resize', size: 50, max_size: null }], () => resize(img, t, 50, null)],
      [[{ op: 'hflip' }], () => hflip(img, t)],
      [[{ op: 'crop', region: [8, 15, 50, 60] }], () => crop(img, t, 8, 15, 50, 60)],
      [[{ op: 'crop', region: [75, 100, 15, 20] }], () => crop(img, t, 75, 100, 15, 20)], // drops most boxes
      [[{ op: 'hflip' }, { op: 'resize', size: 77, max_size: 100 }], () => { const [a, b] = hflip(img, t); return resize(a, b, 77, 100); }],
    ];
    const refs = runDetrTransforms([...cases.map(([ops]) => ({ img, t, ops })), { img, t, ops: [{ op: 'crop', region: [40, 30, 37, 55] }, { op: 'normalize' }] }]);
    cases.forEach(([, ours], i) => expectSame(ours(), refs[i]));
    const [a, b] = crop(img, t, 40, 30, 37, 55);
    expectSame(normalize(a, b), refs[cases.length]);
  });
});

describe('training augmentation', () => {
  it('scales the official sizes by min_size / 800 (identity at 800)', () => {
    const s800 = scaledTrainSizes(800, 1333);
    expect(s800.scales).toEqual([480, 512, 544, 576, 608, 640, 672, 704, 736, 768, 800]);
    expect([s800.precropSizes, s800.cropMin, s800.cropMax, s800.maxSize]).toEqual([[400, 500, 600], 384, 600, 1333]);
    const s64 = scaledTrainSizes(64, 128);
    expect(s64.scales[0]).toBe(38); // 480 * 0.08 = 38.4
    expect(s64.scales[10]).toBe(64);
    expect([s64.precropSizes, s64.cropMin, s64.cropMax]).toEqual([[32, 40, 48], 31, 48]);
  });

  it('is reproducible from a seed and resumes from a saved Rng state', () => {
    const img = image(100, 70, 9);
    const t = target(100, 70);
    const sizes = scaledTrainSizes(64, 128);
    const run = (rng: Rng, n: number) => Array.from({ length: n }, () => trainTransform(sizes, rng)(img, t));
    const a = run(new Rng(7), 6);
    const rng = new Rng(7);
    run(rng, 3);
    const resumed = run(new Rng(rng.state()), 3);
    resumed.forEach((s, i) => {
      expect(s.target.boxes).toEqual(a[3 + i].target.boxes);
      expect(s.image).toEqual(a[3 + i].image);
    });
  });

  it('produces valid samples: short side in the scales (or capped), boxes normalised inside [0, 1]', () => {
    const rng = new Rng(1);
    const sizes = scaledTrainSizes(64, 128);
    const seen = new Set<string>();
    for (let k = 0; k < 60; k++) {
      const w = 40 + rng.randint(0, 200);
      const h = 40 + rng.randint(0, 200);
      const s = trainTransform(sizes, rng)(image(w, h, k), target(w, h));
      expect(Math.max(s.width, s.height)).toBeLessThanOrEqual(128 + 2);
      expect(s.image.length).toBe(s.width * s.height * 3);
      expect(s.target.size).toEqual([s.height, s.width]);
      for (let i = 0; i < s.target.boxes.length; i += 4) {
        const [cx, cy, bw, bh] = s.target.boxes.subarray(i, i + 4);
        expect(bw).toBeGreaterThan(0);
        expect(bh).toBeGreaterThan(0);
        expect(cx - bw / 2).toBeGreaterThanOrEqual(-1e-6);
        expect(cy + bh / 2).toBeLessThanOrEqual(1 + 1e-6);
      }
      seen.add(`${s.target.labels.length}`);
    }
    expect(seen.size).toBeGreaterThan(1); // crops do drop boxes sometimes
  });

  it('RandomSizeCrop keeps the crop inside the image and within [min, max]', () => {
    const rng = new Rng(3);
    const img = image(70, 50, 2);
    for (let k = 0; k < 50; k++) {
      const [c, ct] = randomSizeCrop(img, target(70, 50), 31, 48, rng);
      expect(c.width).toBeGreaterThanOrEqual(31);
      expect(c.width).toBeLessThanOrEqual(48);
      expect(c.height).toBeLessThanOrEqual(48);
      expect(ct.size).toEqual([c.height, c.width]);
    }
  });

  it('augment: false uses the eval transform for training', () => {
    const img = image(90, 70, 4);
    const t = target(90, 70);
    const a = buildTransform({ min_size: 64, max_size: 128, augment: false }, 'train', new Rng(0))(img, t);
    const b = evalTransform(64, 128)(img, t);
    expect(a.image).toEqual(b.image);
    expect(a.target.boxes).toEqual(b.target.boxes);
  });
});
