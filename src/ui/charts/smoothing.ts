/**
 * TensorBoard's scalar smoothing: an exponential moving average, debiased so the first points are
 * not pulled towards zero (tensorboard/components/vz_line_chart2/line-chart.ts `resmoothDataset`).
 *
 *   last_t = w * last_{t-1} + (1 - w) * y_t,  last_0 = 0
 *   smoothed_t = last_t / (1 - w^n_t)          (n_t = finite points seen so far)
 *
 * Non-finite points pass through unchanged and do not enter the average; a constant series is
 * returned as is (TensorBoard does the same, so float error never shows up as a wobble).
 */
export function smoothDebiasedEma(y: ArrayLike<number>, weight: number): Float64Array {
  if (!(weight >= 0 && weight <= 1)) throw new Error(`smoothing weight must be in [0, 1], got ${weight}`);
  const n = y.length;
  const out = new Float64Array(n);
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = y[i] === y[0];
  let last = 0;
  let wPowCount = 1; // w^count, kept as a running product (Math.pow per point costs 10x the loop)
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (constant || !Number.isFinite(v) || weight === 0) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    wPowCount *= weight;
    out[i] = weight === 1 ? last : last / (1 - wPowCount);
  }
  return out;
}

/**
 * The same smoothing, kept up to date as points are appended: extending a series of n points by k
 * costs O(k), so a 100k-point run redraws without re-smoothing everything. The result equals
 * `smoothDebiasedEma` of the whole series (checked in the tests).
 */
export class IncrementalEma {
  private out = new Float64Array(0);
  private length = 0;
  private last = 0;
  private wPowCount = 1;
  private constant = true;

  constructor(readonly weight: number) {
    if (!(weight >= 0 && weight <= 1)) throw new Error(`smoothing weight must be in [0, 1], got ${weight}`);
  }

  /** Smoothed values of `y` (which must extend the series seen so far). A view; do not keep it. */
  update(y: ArrayLike<number>): Float64Array {
    const n = y.length;
    if (n < this.length) this.reset();
    for (let i = this.length; i < n && this.constant; i++) {
      if (y[i] !== y[0] && i > 0) {
        // The series stopped being constant: its earlier points now enter the average.
        this.constant = false;
        this.reset(false);
      }
    }
    if (n > this.out.length) {
      const grown = new Float64Array(Math.max(n, this.out.length * 2, 256));
      grown.set(this.out.subarray(0, this.length));
      this.out = grown;
    }
    const w = this.weight;
    for (let i = this.length; i < n; i++) {
      const v = y[i];
      if (this.constant || !Number.isFinite(v) || w === 0) {
        this.out[i] = v;
        continue;
      }
      this.last = this.last * w + (1 - w) * v;
      this.wPowCount *= w;
      this.out[i] = w === 1 ? this.last : this.last / (1 - this.wPowCount);
    }
    this.length = n;
    return this.out.subarray(0, n);
  }

  private reset(constant = true): void {
    this.length = 0;
    this.last = 0;
    this.wPowCount = 1;
    this.constant = constant;
  }
}
