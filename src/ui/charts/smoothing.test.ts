import { describe, expect, it } from 'vitest';
import { IncrementalEma, smoothDebiasedEma } from './smoothing';

describe('smoothDebiasedEma (TensorBoard)', () => {
  it('matches the recurrence worked by hand', () => {
    // w = 0.5, y = [2, 4, 8]
    // last: 1, 2.5, 5.25; debias: 0.5, 0.75, 0.875 -> 2, 3.3333, 6
    const s = smoothDebiasedEma([2, 4, 8], 0.5);
    expect(s[0]).toBeCloseTo(2, 12);
    expect(s[1]).toBeCloseTo(10 / 3, 12);
    expect(s[2]).toBeCloseTo(6, 12);
  });

  it('is the identity at weight 0 and starts at the first value at any weight (debiased)', () => {
    const y = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(Array.from(smoothDebiasedEma(y, 0))).toEqual(y);
    for (const w of [0.1, 0.6, 0.99]) expect(smoothDebiasedEma(y, w)[0]).toBeCloseTo(3, 12);
  });

  it('leaves a constant series and non-finite points alone, skipping them in the average', () => {
    expect(Array.from(smoothDebiasedEma([0.7, 0.7, 0.7], 0.9))).toEqual([0.7, 0.7, 0.7]);
    const s = smoothDebiasedEma([2, NaN, 4], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(10 / 3, 12); // as if NaN were not there
  });

  it('smooths noise: variance drops, mean stays', () => {
    const n = 20000;
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const y = Float64Array.from({ length: n }, () => 1 + (rand() - 0.5));
    const s = smoothDebiasedEma(y, 0.9);
    const stats = (a: ArrayLike<number>, from: number) => {
      let m = 0;
      for (let i = from; i < a.length; i++) m += a[i];
      m /= a.length - from;
      let v = 0;
      for (let i = from; i < a.length; i++) v += (a[i] - m) ** 2;
      return { m, v: v / (a.length - from) };
    };
    const raw = stats(y, 100);
    const sm = stats(s, 100);
    expect(sm.m).toBeCloseTo(raw.m, 2);
    // EMA variance ratio for white noise: (1 - w) / (1 + w) = 0.0526
    expect(sm.v / raw.v).toBeGreaterThan(0.04);
    expect(sm.v / raw.v).toBeLessThan(0.065);
  });

  it('rejects a weight outside [0, 1]', () => {
    expect(() => smoothDebiasedEma([1], 1.5)).toThrow('smoothing weight must be in [0, 1], got 1.5');
  });
});

describe('IncrementalEma', () => {
  it('equals the whole-series smoothing after any sequence of appends', () => {
    const y = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) + (i % 13 === 0 ? NaN : 0));
    y.fill(2, 0, 40); // constant at first: a special case that must be undone when it changes
    const inc = new IncrementalEma(0.8);
    let got: Float64Array = new Float64Array(0);
    for (const n of [1, 2, 39, 40, 41, 500, 4999, 5000]) {
      got = inc.update(y.subarray(0, n));
      const want = smoothDebiasedEma(y.subarray(0, n), 0.8);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('starts over when given a shorter series (a new run)', () => {
    const inc = new IncrementalEma(0.5);
    inc.update([1, 5, 9]);
    expect(Array.from(inc.update([4, 8]))).toEqual(Array.from(smoothDebiasedEma([4, 8], 0.5)));
  });
});
