/**
 * A small synthetic detection problem for engine tests that must not depend on the data pipeline:
 * `count` images of H x W, each with one or two filled rectangles whose colour gives the class
 * (1 = red, 2 = green, 3 = blue) on a dark background, already normalised like DETR's input.
 *
 * SyntheticLoader behaves like DETR's training loader: drop_last batches of a per-epoch shuffled
 * order and, with `augment`, a random horizontal flip per image, all drawn from a seeded generator
 * whose position is part of stateDict(), so an interrupted run resumes with the same batches.
 */
import type { Batch, Sample, Target } from '../data/types';
import type { BatchLoader } from '../engine/ports';

/** mulberry32 with its state exposed. */
class SmallRng {
  constructor(public s: number) {}
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

const COLOURS: Record<number, [number, number, number]> = { 1: [2, -1, -1], 2: [-1, 2, -1], 3: [-1, -1, 2] };

export function syntheticSamples(count: number, height: number, width: number, seed = 1): Sample[] {
  const rng = new SmallRng(seed);
  return Array.from({ length: count }, (_, id) => {
    const image = new Float32Array(height * width * 3).fill(-1.5);
    const n = 1 + rng.int(2);
    const labels: number[] = [];
    const boxes: number[] = [];
    for (let k = 0; k < n; k++) {
      const w = Math.round(width * (0.25 + 0.35 * rng.uniform()));
      const h = Math.round(height * (0.25 + 0.35 * rng.uniform()));
      const x0 = rng.int(width - w);
      const y0 = rng.int(height - h);
      const label = 1 + rng.int(3);
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) image.set(COLOURS[label], (y * width + x) * 3);
      labels.push(label);
      boxes.push((x0 + w / 2) / width, (y0 + h / 2) / height, w / width, h / height);
    }
    const target: Target = {
      image_id: id + 1,
      labels: Int32Array.from(labels),
      boxes: Float32Array.from(boxes),
      area: Float32Array.from(labels.map((_, k) => boxes[k * 4 + 2] * width * boxes[k * 4 + 3] * height)),
      iscrowd: new Uint8Array(labels.length),
      orig_size: [height, width],
      size: [height, width],
    };
    return { image, height, width, target };
  });
}

function hflip(s: Sample): Sample {
  const { height: H, width: W } = s;
  const image = new Float32Array(s.image.length);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) image.set(s.image.subarray((y * W + x) * 3, (y * W + x) * 3 + 3), (y * W + (W - 1 - x)) * 3);
  const boxes = Float32Array.from(s.target.boxes);
  for (let k = 0; k < boxes.length; k += 4) boxes[k] = 1 - boxes[k];
  return { ...s, image, target: { ...s.target, boxes } };
}

/** Stacks same-sized samples into a batch (no padding needed). */
export function stack(samples: Sample[]): Batch {
  const { height, width } = samples[0];
  const pixels = new Float32Array(samples.length * height * width * 3);
  samples.forEach((s, i) => pixels.set(s.image, i * height * width * 3));
  return { pixels, mask: new Uint8Array(samples.length * height * width), batchSize: samples.length, height, width, targets: samples.map((s) => s.target) };
}

interface SyntheticLoaderState {
  rng: number;
  order: number[];
  cursor: number;
}

export class SyntheticLoader implements BatchLoader {
  readonly batchesPerEpoch: number;
  private rng: SmallRng;
  private order: number[] = [];
  private cursor = 0;

  constructor(
    private readonly samples: Sample[],
    private readonly batchSize: number,
    private readonly augment: boolean,
    seed = 42,
  ) {
    this.batchesPerEpoch = Math.floor(samples.length / batchSize);
    this.rng = new SmallRng(seed);
  }

  async nextBatch(): Promise<Batch> {
    if (this.cursor === 0) {
      this.order = this.samples.map((_, i) => i);
      if (this.augment) for (let i = this.order.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
      }
    }
    const picked = this.order.slice(this.cursor * this.batchSize, (this.cursor + 1) * this.batchSize).map((i) => this.samples[i]);
    this.cursor = (this.cursor + 1) % this.batchesPerEpoch;
    return stack(this.augment ? picked.map((s) => (this.rng.uniform() < 0.5 ? hflip(s) : s)) : picked);
  }

  stateDict(): SyntheticLoaderState {
    return { rng: this.rng.s, order: [...this.order], cursor: this.cursor };
  }

  loadStateDict(state: unknown): void {
    const s = state as SyntheticLoaderState;
    this.rng.s = s.rng;
    this.order = [...s.order];
    this.cursor = s.cursor;
  }
}
