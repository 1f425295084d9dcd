/** Array comparison with the contract's tolerance: |a - b| <= atol + rtol * |b| (numpy.allclose). */
import { expect } from 'vitest';

export interface CloseReport {
  maxAbs: number;
  worstRatio: number;
  worstIndex: number;
}

export function closeReport(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-3, atol = 1e-4): CloseReport {
  expect(actual.length, 'length').toBe(expected.length);
  let maxAbs = 0;
  let worstRatio = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    const ratio = d / (atol + rtol * Math.abs(expected[i]));
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
      worstIndex = i;
    }
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
  }
  return { maxAbs, worstRatio, worstIndex };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-3, atol = 1e-4, what = 'values'): void {
  const r = closeReport(actual, expected, rtol, atol);
  expect(
    r.worstRatio,
    `${what}: worst element ${r.worstIndex} is ${actual[r.worstIndex]} vs ${expected[r.worstIndex]} (max_abs ${r.maxAbs.toExponential(2)})`,
  ).toBeLessThanOrEqual(1);
}

/** Flattens nested number arrays (JSON fixtures) into one Float64Array. */
export function flat(x: unknown): Float64Array {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v as number);
  };
  walk(x);
  return Float64Array.from(out);
}
