/**
 * What one chart draws, from full-resolution series (pure; no React, no DOM).
 *
 * Every point stays in the store. A chart draws the raw values of its main series as min/max
 * buckets (~2 points per pixel column: the envelope and every spike kept), each smoothed line as
 * one mean point per pixel column (a clean trend), and scales its y axis to cover everything drawn
 * (positive values only on a log scale). The charts hand recharts these few hundred points per
 * series, never the whole history: a redraw costs the same at 100 points and at 100k.
 */
import { bucketMeans, unionIndices } from './downsample';

export interface SeriesData {
  key: string;
  raw: ArrayLike<number>;
  smoothed: ArrayLike<number>;
  /** Main series: raw drawn faint under its smoothed line. Aux: smoothed only, thin. */
  main: boolean;
}

export interface ChartFrame {
  /** Indices (into the full series) of the raw points drawn: min/max buckets of the raw values. */
  rawIndices: Int32Array;
  /** Each series' smoothed line: one mean point per pixel column. */
  smooth: { x: Float64Array; y: Float64Array }[];
  domain: [number, number] | null;
}

function drawable(v: number, logScale: boolean): boolean {
  return Number.isFinite(v) && !(logScale && v <= 0);
}

export function buildChartFrame(x: ArrayLike<number>, series: readonly SeriesData[], logScale: boolean, densePoints: number): ChartFrame {
  const length = x.length;
  if (series.length === 0 || length === 0) return { rawIndices: new Int32Array(0), smooth: [], domain: null };
  const buckets = Math.max(16, Math.floor(densePoints / 2));
  const mains = series.filter((s) => s.main);
  const rawIndices = unionIndices(mains.map((s) => s.raw), buckets);
  const smooth = series.map((s) => bucketMeans(x, s.smoothed, buckets));
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: number) => {
    if (!drawable(v, logScale)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const s of mains) for (const i of rawIndices) see(s.raw[i]);
  for (const m of smooth) for (const v of m.y) see(v);
  return { rawIndices, smooth, domain: lo <= hi ? paddedDomain(lo, hi, logScale) : null };
}

/** A little air above and below the data (multiplicative on a log scale). */
export function paddedDomain(lo: number, hi: number, logScale: boolean): [number, number] {
  if (logScale) return [lo / 1.15, hi * 1.15];
  // Equal up to float noise (the mean of a constant series may differ in its last bit).
  if (hi - lo <= 1e-9 * Math.max(Math.abs(lo), Math.abs(hi))) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** One point a recharts Line draws; `y` null is a gap (not finite, or not positive on a log scale). */
export interface ChartPoint {
  x: number;
  y: number | null;
}

/** The points (x[i], y[i]) for i in `indices` (default: every point), as recharts' data. */
export function chartPoints(x: ArrayLike<number>, y: ArrayLike<number>, indices: ArrayLike<number> | null, logScale: boolean): ChartPoint[] {
  const n = indices ? indices.length : Math.min(x.length, y.length);
  const out: ChartPoint[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k] : k;
    const v = y[i];
    out[k] = { x: x[i], y: drawable(v, logScale) ? v : null };
  }
  return out;
}
