/**
 * Downsampling for drawing: every point stays in the store, the chart draws at most ~2 points per
 * pixel-wide bucket. Min/max buckets keep each bucket's lowest and highest sample (in order), so a
 * loss spike survives at any zoom, unlike striding or averaging. O(n) per series.
 */

/**
 * Indices of the points to draw: for each of `buckets` equal index ranges, the argmin and argmax of
 * the finite values (one index when they coincide), plus the first and last index. Sorted, unique.
 * Series at most 2 * buckets long are returned whole.
 */
export function minMaxIndices(y: ArrayLike<number>, buckets: number): Int32Array {
  const n = y.length;
  if (!(buckets >= 1)) throw new Error(`buckets must be >= 1, got ${buckets}`);
  if (n <= 2 * buckets) return Int32Array.from({ length: n }, (_, i) => i);
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < y[lo]) lo = i;
      if (hi < 0 || v > y[hi]) hi = i;
    }
    if (lo < 0) continue;
    const a = Math.min(lo, hi);
    const c = Math.max(lo, hi);
    if (a !== out[out.length - 1]) out.push(a);
    if (c !== a) out.push(c);
  }
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return Int32Array.from(out);
}

/**
 * The union of several series' min/max indices (one chart, several lines, one shared x), sorted.
 * Each series gets `buckets` buckets; the result has at most 2 * buckets * series + 2 points.
 */
export function unionIndices(series: readonly ArrayLike<number>[], buckets: number): Int32Array {
  if (series.length === 1) return minMaxIndices(series[0], buckets);
  const seen = new Set<number>();
  for (const y of series) for (const i of minMaxIndices(y, buckets)) seen.add(i);
  return Int32Array.from(seen).sort();
}

/**
 * The mean point of each of `buckets` equal index ranges: a trend line, one point per pixel column.
 * Used for smoothed lines, whose min/max envelope would draw a band of residual noise; the raw layer
 * keeps the envelope and the spikes. x is the mean of the bucket's x whatever the values, so every
 * series of a chart shares the same x positions (one row each in the chart's data); y is the mean of
 * the bucket's finite values (NaN for an all-gap bucket). Series at most `buckets` long are returned whole.
 */
export function bucketMeans(x: ArrayLike<number>, y: ArrayLike<number>, buckets: number): { x: Float64Array; y: Float64Array } {
  const n = Math.min(x.length, y.length);
  if (n <= buckets) return { x: Float64Array.from({ length: n }, (_, i) => x[i]), y: Float64Array.from({ length: n }, (_, i) => y[i]) };
  const xs = new Float64Array(buckets);
  const ys = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let sx = 0;
    let sy = 0;
    let c = 0;
    for (let i = start; i < end; i++) {
      sx += x[i];
      const v = y[i];
      if (!Number.isFinite(v)) continue;
      sy += v;
      c++;
    }
    xs[b] = sx / (end - start);
    ys[b] = c > 0 ? sy / c : NaN;
  }
  return { x: xs, y: ys };
}
