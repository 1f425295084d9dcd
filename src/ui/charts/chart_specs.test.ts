import { describe, expect, it } from 'vitest';
import { buildChartFrame, chartRows, paddedDomain } from './chart_rows';
import { chartSpecs } from './chart_specs';
import { bucketMeans, minMaxIndices } from './downsample';

describe('chartSpecs', () => {
  it('draws the DETR charts before any data', () => {
    expect(chartSpecs(['iteration']).map((c) => c.id)).toEqual(['total_loss', 'loss_ce', 'loss_bbox', 'loss_giou', 'class_error', 'cardinality_error', 'lr']);
    expect(chartSpecs(['iteration'])[0].testId).toBe('loss-chart');
  });

  it('groups auxiliary losses under their term, in decoder order, and ignores unscaled copies', () => {
    const keys = ['iteration', 'total_loss', 'loss_giou', 'loss_ce', 'loss_ce_10', 'loss_ce_2', 'loss_ce_0', 'loss_ce_unscaled', 'loss_bbox', 'loss_bbox_0', 'lr'];
    const specs = chartSpecs(keys);
    expect(specs.map((c) => c.id)).toEqual(['total_loss', 'loss_ce', 'loss_bbox', 'loss_giou', 'lr']);
    expect(specs[1].auxKeys).toEqual(['loss_ce_0', 'loss_ce_2', 'loss_ce_10']);
    expect(specs[2].auxKeys).toEqual(['loss_bbox_0']);
  });
});

describe('buildChartFrame', () => {
  const n = 100_000;
  const a = Float64Array.from({ length: n }, (_, i) => 2 + Math.sin(i / 100));
  const aux = Float64Array.from({ length: n }, (_, i) => 1 + Math.cos(i / 300));
  a[12_345] = 50;
  aux[67_890] = -5;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const frame = buildChartFrame(x, [{ key: 'a', raw: a, smoothed: a, main: true }, { key: 'a_0', raw: aux, smoothed: aux, main: false }], false, 1000);

  it('keeps ~2 raw points per pixel, and every raw spike', () => {
    expect(frame.rawIndices.length).toBeLessThanOrEqual(1000 + 2);
    expect(Array.from(frame.rawIndices)).toContain(12_345);
  });

  it('draws each smoothed line as one mean point per pixel column', () => {
    expect(frame.smooth.map((m) => m.y.length)).toEqual([500, 500]);
  });

  it('covers the raw spikes and the smoothed lines', () => {
    expect(frame.domain![1]).toBeGreaterThan(50);
    expect(frame.domain![0]).toBeLessThan(0); // aux means reach ~0; 5% padding goes below
  });

  it('leaves non-positive values out of a log scale', () => {
    const f = buildChartFrame([0, 1, 2], [{ key: 'e', raw: [0, 5, NaN], smoothed: [0, 2.5, NaN], main: true }], true, 100);
    expect(f.domain).toEqual(paddedDomain(2.5, 5, true));
  });
});

describe('paddedDomain', () => {
  it('widens a range that is constant up to float noise', () => {
    const [lo, hi] = paddedDomain(1e-4, 1.0000000000000002e-4, false);
    expect(lo).toBeCloseTo(0.9e-4, 12);
    expect(hi).toBeCloseTo(1.1e-4, 12);
  });
});

describe('chartRows', () => {
  it('gives one row per raw point kept, with raw values and smoothed lines interpolated between bucket means', () => {
    // 8 points, 2 buckets of 4 for the means: x 1.5 -> mean 2, x 5.5 -> mean 6.
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const raw = [0, 9, 2, 3, 4, 5, -1, 7];
    const smoothed = [0, 2, 2, 4, 6, 6, 6, 6];
    const series = [{ key: 'a', raw, smoothed, main: true }];
    // As buildChartFrame would keep them with 2 min/max buckets: 0, 1 (max), 6 (min), 7.
    const frame = { rawIndices: Int32Array.from([0, 1, 6, 7]), smooth: [bucketMeans(x, smoothed, 2)], domain: [-1, 9] as [number, number] };
    expect(Array.from(minMaxIndices(raw, 2))).toEqual([0, 1, 6, 7]);
    const rows = chartRows(x, series, frame, [{ id: 'a-raw', series: 0, kind: 'raw' }, { id: 'a', series: 0, kind: 'smooth' }], false);
    // smoothed at x 0 and 1: held at the first mean (2) before 1.5; at x 6: 6; at x 7: held at 6.
    expect(rows).toEqual([
      { x: 0, 'a-raw': 0, a: 2 },
      { x: 1, 'a-raw': 9, a: 2 },
      { x: 6, 'a-raw': -1, a: 6 },
      { x: 7, 'a-raw': 7, a: 6 },
    ]);
    // Between two means: linear (x 3.5 is halfway from 2 to 6).
    const f2 = { ...frame, rawIndices: Int32Array.from([3]) };
    expect(chartRows([0, 1, 2, 3.5], series, f2, [{ id: 'a', series: 0, kind: 'smooth' }], false)).toEqual([{ x: 3.5, a: 4 }]);
  });

  it('uses the raw values for an unsmoothed line, and leaves undrawable values as gaps', () => {
    const raw = [1, -2, NaN];
    const series = [{ key: 'b', raw, smoothed: raw, main: true }];
    const frame = buildChartFrame([0, 1, 2], series, true, 100);
    expect(chartRows([0, 1, 2], series, frame, [{ id: 'b', series: 0, kind: 'smooth' }], true)).toEqual([
      { x: 0, b: 1 },
      { x: 1, b: null },
      { x: 2, b: null },
    ]);
  });
});
