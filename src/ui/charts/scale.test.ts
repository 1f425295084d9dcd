import { describe, expect, it } from 'vitest';
import { linearScale, logScale, logTicks, nearestIndex, niceTicks } from './scale';

describe('ticks', () => {
  it('picks 1-2-5 steps (worked by hand)', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]); // rough 2 -> step 2
    expect(niceTicks(0.13, 0.91, 4)).toEqual([0.2, 0.4, 0.6, 0.8]); // rough 0.195 -> step 0.2
    expect(niceTicks(0, 100_000, 5)).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(niceTicks(0.1, 0.3, 2)).toEqual([0.1, 0.2, 0.3]); // no float dust
    expect(niceTicks(5, 5, 5)).toEqual([5]);
    // A constant series' bucket means differ in the last bit: one tick, not an endless loop.
    expect(niceTicks(1e-4, 1.0000000000000002e-4, 5)).toEqual([1e-4]);
  });

  it('puts log ticks on decades, with 2x and 5x inside a narrow range', () => {
    expect(logTicks(1e-6, 1e-3)).toEqual([1e-6, 1e-5, 1e-4, 1e-3]);
    expect(logTicks(0.3, 7)).toEqual([0.5, 1, 2, 5]);
  });
});

describe('scales', () => {
  it('map and invert', () => {
    const s = linearScale([0, 10], [100, 0]);
    expect(s(0)).toBe(100);
    expect(s(2.5)).toBe(75);
    expect(s.invert(75)).toBe(2.5);
    const l = logScale([1, 1000], [0, 300]);
    expect(l(10)).toBeCloseTo(100, 10);
    expect(l.invert(200)).toBeCloseTo(100, 10);
  });

  it('widen an empty domain instead of dividing by zero', () => {
    const s = linearScale([3, 3], [0, 10]);
    expect(s.domain).toEqual([2, 4]);
    expect(Number.isFinite(s(3))).toBe(true);
  });

  it('find the nearest x', () => {
    const xs = [0, 10, 20, 30];
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 14)).toBe(1);
    expect(nearestIndex(xs, 16)).toBe(2);
    expect(nearestIndex(xs, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});
