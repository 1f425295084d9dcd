/**
 * What one chart draws, from full-resolution series (pure; no React, no DOM).
 *
 * Every point stays in the store. A chart draws the raw values of its main series as min/max
 * buckets (~2 points per bucket: the envelope and every spike kept), each smoothed line through
 * one mean point per bucket (a clean trend), and scales its y axis to cover everything drawn
 * (positive values only on a log scale). recharts gets ONE array of rows per chart, at the raw
 * points' x positions: each row holds the raw values and every smoothed line there (interpolated
 * between its bucket means). A few hundred rows, never the whole history: a redraw costs the same
 * at 100 points and at 100k, and every recharts Line walks the same short array.
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

/** One row of a chart's data: `x` and one value per drawn line (null: a gap). */
export type ChartRow = Record<string, number | null>;

export interface RowLine {
  /** The row key the line's values go under. */
  id: string;
  /** Index of the series in the frame. */
  series: number;
  /** 'raw': the raw values at the rows; 'smooth': the series' smoothed line. */
  kind: 'raw' | 'smooth';
}

/** y at x on the polyline through (xs[k], ys[k]) (xs ascending), held flat beyond its ends; NaN across a gap. */
function interpolate(xs: Float64Array, ys: Float64Array, x: number, from: number): { y: number; k: number } {
  const n = xs.length;
  if (n === 0) return { y: NaN, k: 0 };
  let k = from;
  while (k < n - 1 && xs[k + 1] <= x) k++;
  if (x <= xs[0]) return { y: ys[0], k };
  if (k >= n - 1) return { y: ys[n - 1], k };
  const t = (x - xs[k]) / (xs[k + 1] - xs[k]);
  return { y: ys[k] + t * (ys[k + 1] - ys[k]), k };
}

/**
 * The rows recharts draws: one per raw point kept (frame.rawIndices), ascending x. A smoothed line
 * whose series is unsmoothed (smoothed === raw) takes the raw values themselves, so no spike is
 * averaged away.
 */
export function chartRows(x: ArrayLike<number>, series: readonly SeriesData[], frame: ChartFrame, lines: readonly RowLine[], logScale: boolean): ChartRow[] {
  const idx = frame.rawIndices;
  const rows: ChartRow[] = new Array(idx.length);
  const cursor = new Int32Array(lines.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    const row: ChartRow = { x: x[i] };
    lines.forEach((l, j) => {
      const s = series[l.series];
      let v: number;
      if (l.kind === 'raw' || s.smoothed === s.raw) v = s.raw[i];
      else {
        const m = frame.smooth[l.series];
        const at = interpolate(m.x, m.y, x[i], cursor[j]);
        cursor[j] = at.k;
        v = at.y;
      }
      row[l.id] = drawable(v, logScale) ? v : null;
    });
    rows[r] = row;
  }
  return rows;
}
