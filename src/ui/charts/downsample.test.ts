import { describe, expect, it } from 'vitest';
import { bucketMeans, minMaxIndices, unionIndices } from './downsample';

describe('minMaxIndices', () => {
  it('returns short series whole', () => {
    expect(Array.from(minMaxIndices([5, 4, 3], 2))).toEqual([0, 1, 2]);
  });

  it('keeps each bucket min and max in order, plus both ends (worked by hand)', () => {
    // n = 12, 3 buckets of 4: [0..3] [4..7] [8..11]
    const y = [5, 9, 1, 5, /**/ 5, 5, 0, 7, /**/ 2, 2, 2, 2];
    // bucket 0: min @2, max @1 -> 1, 2; bucket 1: min @6, max @7; bucket 2: constant -> @8; end 11
    expect(Array.from(minMaxIndices(y, 3))).toEqual([0, 1, 2, 6, 7, 8, 11]);
  });

  it('keeps a single spike among 100k points and draws ~1k points', () => {
    const n = 100_000;
    const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.01 * Math.sin(i / 50));
    y[73_211] = 40; // a loss spike
    const idx = minMaxIndices(y, 500);
    expect(idx.length).toBeLessThanOrEqual(1002);
    expect(Array.from(idx)).toContain(73_211);
    // The drawn envelope equals the data's.
    let min = Infinity;
    let max = -Infinity;
    for (const i of idx) (min = Math.min(min, y[i])), (max = Math.max(max, y[i]));
    expect(max).toBe(40);
    expect(min).toBeCloseTo(0.99, 4);
    for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
  });

  it('skips non-finite values and empty buckets', () => {
    const y = [NaN, NaN, NaN, NaN, 1, 2, NaN, NaN];
    expect(Array.from(minMaxIndices(y, 2))).toEqual([0, 4, 5, 7]);
  });

  it('is fast enough for 100k points x 20 series per redraw', () => {
    const n = 100_000;
    const series = Array.from({ length: 20 }, (_, s) => Float64Array.from({ length: n }, (_, i) => Math.cos(i * (s + 1) * 1e-3)));
    const t0 = performance.now();
    const idx = unionIndices(series, 50);
    const ms = performance.now() - t0;
    expect(idx.length).toBeLessThanOrEqual(20 * 100 + 2);
    expect(ms).toBeLessThan(200); // ~30 ms measured on the 2-core CI machine
  });
});

describe('bucketMeans', () => {
  it('averages each bucket (worked by hand) and keeps gaps', () => {
    // 6 points, 3 buckets of 2: (0,1)->(0.5, 2), (2,3)->(2.5, 6), (4,5)-> all NaN -> gap at x 4.5
    const r = bucketMeans([0, 1, 2, 3, 4, 5], [1, 3, 5, 7, NaN, NaN], 3);
    expect(Array.from(r.x)).toEqual([0.5, 2.5, 4.5]);
    expect(Array.from(r.y)).toEqual([2, 6, NaN]);
    // x does not depend on which values are finite: two series of one chart share their x positions.
    expect(Array.from(bucketMeans([0, 1, 2, 3, 4, 5], [NaN, 3, 5, NaN, 1, 1], 3).x)).toEqual(Array.from(r.x));
  });

  it('returns short series whole', () => {
    expect(Array.from(bucketMeans([1, 2], [3, 4], 5).y)).toEqual([3, 4]);
  });
});
