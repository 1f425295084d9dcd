import { describe, expect, it } from 'vitest';
import { buildChartFrame, chartPoints, paddedDomain } from './chart_rows';
import { chartSpecs } from './chart_specs';

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

describe('chartPoints', () => {
  it('picks the indexed points and leaves gaps as null', () => {
    expect(chartPoints([0, 1, 2, 3, 4], [0, 5, NaN, 10, -1], [0, 2, 3, 4], false)).toEqual([
      { x: 0, y: 0 },
      { x: 2, y: null },
      { x: 3, y: 10 },
      { x: 4, y: -1 },
    ]);
    expect(chartPoints([0, 1, 2], [0, 5, -1], null, true)).toEqual([
      { x: 0, y: null },
      { x: 1, y: 5 },
      { x: 2, y: null },
    ]);
  });
});
