import { describe, expect, it } from 'vitest';
import { BatchSampler } from './sampler';
import { DatasetError } from './errors';

const take = (s: BatchSampler, n: number) => Array.from({ length: n }, () => s.next());

describe('BatchSampler', () => {
  it('without shuffle: ascending order every epoch, batches of batch_size, last partial batch dropped', () => {
    const s = new BatchSampler(7, 3, false, 0);
    expect(s.batchesPerEpoch).toBe(2);
    expect(take(s, 5).map((b) => [b.epoch, b.index, b.indices])).toEqual([
      [0, 0, [0, 1, 2]],
      [0, 1, [3, 4, 5]], // image 6 never seen: drop_last
      [1, 0, [0, 1, 2]],
      [1, 1, [3, 4, 5]],
      [2, 0, [0, 1, 2]],
    ]);
  });

  it('with shuffle: a permutation per epoch, different across epochs and seeds, fixed per (seed, epoch)', () => {
    const s = new BatchSampler(10, 2, true, 42);
    const e0 = take(s, 5).flatMap((b) => b.indices);
    const e1 = take(s, 5).flatMap((b) => b.indices);
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e0);
    expect(new BatchSampler(10, 2, true, 42).epochOrder(1)).toEqual(e1);
    expect(new BatchSampler(10, 2, true, 43).epochOrder(0)).not.toEqual(e0);
  });

  it('resumes mid-epoch from its JSON state exactly as an uninterrupted run', () => {
    const full = take(new BatchSampler(9, 2, true, 5), 11);
    const a = new BatchSampler(9, 2, true, 5);
    take(a, 6); // epoch 1, 2 batches in
    const saved = JSON.parse(JSON.stringify(a.state()));
    expect(saved).toEqual({ epoch: 1, index: 2, seed: 5 });
    const b = new BatchSampler(9, 2, true, 5);
    b.setState(saved);
    expect(take(b, 5)).toEqual(full.slice(6));
  });

  it('refuses a dataset smaller than one batch, and states that do not fit', () => {
    expect(() => new BatchSampler(3, 4, true, 0)).toThrow(DatasetError);
    expect(() => new BatchSampler(3, 4, true, 0)).toThrow(/3 usable images, fewer than batch_size 4/);
    const s = new BatchSampler(4, 2, false, 1);
    expect(() => s.setState({ epoch: 0, index: 0, seed: 2 })).toThrow(/seed/);
    expect(() => s.setState({ epoch: 0, index: 3, seed: 1 })).toThrow(/invalid state/);
  });
});
