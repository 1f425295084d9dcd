/**
 * The official-DETR reference fixture (../shared/fixtures/detr-tiny-r18-sine) loaded for tests:
 * config, weights as official-named arrays, reference.json, intermediates, and the reference batch
 * (the official `samples`/`mask` converted to channels-last).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig, type DetrConfig } from '../config/config';
import { readSafetensors } from '../weights/safetensors';
import { toFloat32 } from '../weights/types';
import type { TorchArray } from '../model/state_dict';
import type { Batch, Target } from '../data/types';
import { TINY_FIXTURE } from './paths';

export function readTorchArrays(path: string): Map<string, TorchArray> {
  const { tensors } = readSafetensors(new Uint8Array(readFileSync(path)), path);
  return new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: toFloat32(t) }]));
}

/** NCHW -> NHWC */
export function nchwToNhwc(a: TorchArray): Float32Array {
  const [B, C, H, W] = a.shape;
  const out = new Float32Array(a.data.length);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) out[((b * H + i) * W + j) * C + c] = a.data[((b * C + c) * H + i) * W + j];
  return out;
}

/** NHWC -> NCHW (to compare our feature maps with PyTorch's). */
export function nhwcToNchw(data: ArrayLike<number>, [B, H, W, C]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) out[((b * C + c) * H + i) * W + j] = data[((b * H + i) * W + j) * C + c];
  return out;
}

export interface TinyFixture {
  dir: string;
  config: DetrConfig;
  weights: Map<string, TorchArray>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  reference: any;
  intermediates: Map<string, TorchArray>;
  /** The official padded batch and targets (reference.json), channels-last. */
  batch: Batch;
}

let cached: TinyFixture | undefined;

export function loadTinyFixture(): TinyFixture {
  if (cached) return cached;
  const dir = TINY_FIXTURE;
  const reference = JSON.parse(readFileSync(resolve(dir, 'reference.json'), 'utf8'));
  const config = parseConfig(JSON.parse(readFileSync(resolve(dir, 'config.json'), 'utf8')));
  const intermediates = readTorchArrays(resolve(dir, 'intermediates.safetensors'));
  const samples = intermediates.get('samples')!;
  const mask = intermediates.get('mask')!;
  const [B, , H, W] = samples.shape;
  const targets: Target[] = reference.targets.map(
    (t: { image_id: number; labels: number[]; boxes: number[][]; area: number[]; iscrowd: number[]; orig_size: [number, number]; size: [number, number] }) => ({
      image_id: t.image_id,
      labels: Int32Array.from(t.labels),
      boxes: Float32Array.from(t.boxes.flat()),
      area: Float32Array.from(t.area),
      iscrowd: Uint8Array.from(t.iscrowd),
      orig_size: t.orig_size,
      size: t.size,
    }),
  );
  const batch: Batch = {
    pixels: nchwToNhwc(samples),
    mask: Uint8Array.from(mask.data, (x) => (x ? 1 : 0)),
    batchSize: B,
    height: H,
    width: W,
    targets,
  };
  cached = { dir, config, weights: readTorchArrays(resolve(dir, 'weights.safetensors')), reference, intermediates, batch };
  return cached;
}
