/**
 * The tiny fixture's training batch straight from the reference: the padded, normalised pixels and
 * mask the official code built (intermediates.safetensors `samples`, `mask`) with its targets
 * (reference.json). For engine tests that must not depend on the data pipeline: with augment false
 * and batch_size 4 = the whole dataset, DETR's loader yields exactly this batch every iteration.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Batch, Target } from '../data/types';
import type { BatchLoader } from '../engine/ports';
import type { TorchArray } from '../model/state_dict';
import { readSafetensors } from '../weights/safetensors';
import { TINY_FIXTURE } from './paths';

export function readFixtureJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(TINY_FIXTURE, 'reference.json'), 'utf8'));
}

/** A safetensors file of the fixture as official-named float32 arrays. */
export function readFixtureTensors(file: string): Map<string, TorchArray> {
  const { tensors } = readSafetensors(new Uint8Array(readFileSync(resolve(TINY_FIXTURE, file))), file);
  return new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]));
}

export function fixtureBatch(): Batch {
  const inter = readFixtureTensors('intermediates.safetensors');
  const samples = inter.get('samples')!; // [B, 3, H, W]
  const mask = inter.get('mask')!; // [B, H, W]
  const [B, C, H, W] = samples.shape;
  const pixels = new Float32Array(B * H * W * C); // NCHW -> NHWC
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H * W; i++) pixels[(b * H * W + i) * C + c] = samples.data[(b * C + c) * H * W + i];
  const ref = readFixtureJson() as { targets: { image_id: number; labels: number[]; boxes: number[][]; area: number[]; iscrowd: number[]; orig_size: [number, number]; size: [number, number] }[] };
  const targets: Target[] = ref.targets.map((t) => ({
    image_id: t.image_id,
    labels: Int32Array.from(t.labels),
    boxes: Float32Array.from(t.boxes.flat()),
    area: Float32Array.from(t.area),
    iscrowd: Uint8Array.from(t.iscrowd),
    orig_size: t.orig_size,
    size: t.size,
  }));
  return { pixels, mask: Uint8Array.from(mask.data, (v) => (v ? 1 : 0)), batchSize: B, height: H, width: W, targets };
}

/** The fixture's loader: one batch per epoch, always the same (augment false, batch = dataset). */
export class FixtureLoader implements BatchLoader {
  readonly batchesPerEpoch = 1;
  private served = 0;
  constructor(private readonly batch: Batch = fixtureBatch()) {}
  async nextBatch(): Promise<Batch> {
    this.served += 1;
    return this.batch;
  }
  stateDict(): unknown {
    return { served: this.served };
  }
  loadStateDict(s: unknown): void {
    this.served = (s as { served: number }).served;
  }
}
