/**
 * The official DETR data path on the tiny fixture: annotations.json + 4 PNGs -> ConvertCocoPolysToMask
 * -> eval transform -> collate must give reference.json's `targets`, `images`, `batch` and the
 * `samples` / `mask` tensors of intermediates.safetensors (PyTorch layout [B, 3, H, W]).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCocoText } from './coco';
import { collate } from './collate';
import { prepareTarget } from './target';
import { evalTransform } from './transforms';
import { decodeImageSync } from '../platform/node/image_decoder';
import { TINY_FIXTURE, hasTinyFixture, skipReason } from '../testing/paths';
import { readTorchArrays } from '../testing/tiny_fixture';
import type { Batch } from './types';

const have = hasTinyFixture();
if (!have) skipReason('fixture data parity', `no fixture at ${TINY_FIXTURE} (set DETR_SHARED)`);

interface RefTarget {
  image_id: number;
  labels: number[];
  boxes: number[][];
  area: number[];
  iscrowd: number[];
  orig_size: [number, number];
  size: [number, number];
}

function fixtureBatch(): { batch: Batch; fileNames: string[] } {
  const dir = resolve(TINY_FIXTURE, 'data');
  const cfg = JSON.parse(readFileSync(resolve(TINY_FIXTURE, 'config.json'), 'utf8'));
  const ds = parseCocoText(readFileSync(resolve(dir, 'annotations.json'), 'utf8'), 'annotations.json');
  const transform = evalTransform(cfg.min_size, cfg.max_size);
  const samples = ds.images.map((im) => {
    const img = decodeImageSync(new Uint8Array(readFileSync(resolve(dir, im.file_name))), im.file_name);
    const { target } = prepareTarget(im.id, ds.annotations.get(im.id)!, img.width, img.height);
    return transform(img, target);
  });
  return { batch: collate(samples), fileNames: ds.images.map((im) => im.file_name) };
}

describe.skipIf(!have)('fixture data parity (official DETR eval data path)', () => {
  const ref = have ? JSON.parse(readFileSync(resolve(TINY_FIXTURE, 'reference.json'), 'utf8')) : null;

  it('orders images by id and builds exactly the reference targets', () => {
    const { batch, fileNames } = fixtureBatch();
    expect(fileNames).toEqual(ref.images.map((i: { file_name: string }) => i.file_name));
    const refTargets = ref.targets as RefTarget[];
    expect(batch.targets.length).toBe(refTargets.length);
    batch.targets.forEach((t, i) => {
      const r = refTargets[i];
      expect(t.image_id).toBe(r.image_id);
      expect(Array.from(t.labels)).toEqual(r.labels);
      expect(Array.from(t.iscrowd)).toEqual(r.iscrowd);
      expect(Array.from(t.area)).toEqual(r.area);
      expect(t.orig_size).toEqual(r.orig_size);
      expect(t.size).toEqual(r.size);
      const flat = r.boxes.flat();
      expect(t.boxes.length).toBe(flat.length);
      // The reference's float32 boxes written as doubles: ours are float32 too, so they match exactly.
      flat.forEach((v, k) => expect(Math.abs(t.boxes[k] - v)).toBeLessThanOrEqual(1e-6));
      expect(Array.from(t.boxes)).toEqual(flat);
    });
    const total = batch.targets.reduce((s, t) => s + t.labels.length, 0);
    expect(total).toBe(ref.num_boxes ?? 7);
  });

  it('pads to the reference shape, with pixels and mask equal to samples / mask', () => {
    const { batch } = fixtureBatch();
    const [B, C, H, W] = ref.batch.padded_shape as number[];
    expect([batch.batchSize, 3, batch.height, batch.width]).toEqual([B, C, H, W]);
    expect(batch.targets.map((t) => t.size)).toEqual(ref.batch.valid_hw);
    const inter = readTorchArrays(resolve(TINY_FIXTURE, 'intermediates.safetensors'));
    const samples = inter.get('samples')!;
    const mask = inter.get('mask')!;
    expect(samples.shape).toEqual([B, 3, H, W]);
    let maxAbs = 0;
    for (let b = 0; b < B; b++)
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const ours = batch.pixels[((b * H + y) * W + x) * 3 + c]; // [B, H, W, 3]
            const theirs = samples.data[((b * 3 + c) * H + y) * W + x]; // [B, 3, H, W]
            maxAbs = Math.max(maxAbs, Math.abs(ours - theirs));
          }
    expect(maxAbs).toBeLessThanOrEqual(1e-6);
    expect(maxAbs).toBe(0); // float32 ops in torch's order reproduce the values exactly
    expect(Array.from(batch.mask)).toEqual(Array.from(mask.data));
  });
});
