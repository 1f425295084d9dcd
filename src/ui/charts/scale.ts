/**
 * Axis scales and ticks for the charts (pure): linear with "nice" ticks (1, 2, 5 x 10^k steps, as
 * d3 and TensorBoard pick them), and log10 with decade ticks (plus 2x and 5x inside few decades).
 */

export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly ticks: readonly number[];
  /** Data value at a pixel (for hovering). */
  invert(px: number): number;
}

/** Ticks at round steps inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  // A range within float noise of its values (means of a constant series: 1e-4 vs
  // 1.0000000000000002e-4) has no round steps to show; its index k would pass 2^53 and stop counting.
  if (hi - lo <= 1e-9 * Math.max(Math.abs(lo), Math.abs(hi))) return [lo];
  const rough = (hi - lo) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(rough)));
  const err = rough / mag;
  const step = mag * (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1);
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  // Multiply rather than accumulate, and round off float dust (0.30000000000000004).
  for (let k = first; k <= last && out.length <= 4 * count + 2; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Decades inside [lo, hi] (lo > 0), with 2x and 5x when they span fewer than three. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return lo > 0 ? [lo] : [];
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  const mults = k1 - k0 < 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) for (const m of mults) {
    const v = Number((m * Math.pow(10, k)).toPrecision(12));
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
  }
  return out;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number], tickCount = 5): Scale {
  let [d0, d1] = domain;
  if (d1 === d0) (d0 -= 1), (d1 += 1);
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  return Object.assign(f, { domain: [d0, d1] as const, range, ticks: niceTicks(d0, d1, tickCount), invert: (px: number) => d0 + (px - r0) / k });
}

export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d0 > 0)) d0 = Math.min(1e-12, d1 > 0 ? d1 / 10 : 1e-12);
  if (!(d1 > d0)) d1 = d0 * 10;
  const l0 = Math.log10(d0);
  const [r0, r1] = range;
  const k = (r1 - r0) / (Math.log10(d1) - l0);
  const f = ((v: number) => r0 + (Math.log10(v) - l0) * k) as Scale;
  return Object.assign(f, { domain: [d0, d1] as const, range, ticks: logTicks(d0, d1), invert: (px: number) => Math.pow(10, l0 + (px - r0) / k) });
}

/** The index of the value in ascending `xs` nearest to `x`. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
}
