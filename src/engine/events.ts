/**
 * EventStorage (Detectron2 utils/events.py): where the training loop and its hooks put scalars, and
 * where writers read them. Producing metrics (putScalar) is separate from delivering them (writers.ts).
 *
 * Each scalar name has a HistoryBuffer of (value, iteration) pairs, bounded to the most recent
 * `maxLength` entries, with Detectron2's median/average over a window for smoothing. `iter` is the
 * iteration currently being run (0-based); the trainer sets it before each step.
 */

export class HistoryBuffer {
  private data: [number, number][] = [];
  private globalSum = 0;
  private count = 0;

  constructor(readonly maxLength = 10000) {}

  update(value: number, iteration: number): void {
    if (this.data.length === this.maxLength) this.data.shift();
    this.data.push([value, iteration]);
    this.count += 1;
    this.globalSum += value;
  }

  latest(): number {
    return this.data[this.data.length - 1][0];
  }

  /** Median of the last `window` values (numpy.median: the mean of the middle pair on an even count). */
  median(window: number): number {
    const xs = this.data.slice(-window).map(([v]) => v).sort((a, b) => a - b);
    const n = xs.length;
    return n % 2 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
  }

  avg(window: number): number {
    const xs = this.data.slice(-window);
    return xs.reduce((s, [v]) => s + v, 0) / xs.length;
  }

  globalAvg(): number {
    return this.globalSum / this.count;
  }

  /** (value, iteration) pairs, oldest first. */
  values(): readonly [number, number][] {
    return this.data;
  }

  stateDict(keepLast: number): HistoryState {
    return { data: this.data.slice(-keepLast), sum: this.globalSum, count: this.count };
  }

  static fromState(s: HistoryState, maxLength: number): HistoryBuffer {
    const h = new HistoryBuffer(maxLength);
    h.data = s.data.slice(-maxLength).map(([v, i]) => [v, i]);
    h.globalSum = s.sum;
    h.count = s.count;
    return h;
  }
}

export interface HistoryState {
  data: [number, number][];
  sum: number;
  count: number;
}

export interface EventStorageState {
  iter: number;
  histories: Record<string, HistoryState>;
  smoothingHints: Record<string, boolean>;
}

export class EventStorage {
  iter: number;
  private readonly histories = new Map<string, HistoryBuffer>();
  private readonly latestValues = new Map<string, [number, number]>();
  private readonly hints = new Map<string, boolean>();

  constructor(startIter = 0, readonly maxLength = 10000) {
    this.iter = startIter;
  }

  /**
   * Records `value` for `name` at the current iteration. `smoothingHint` says whether writers should
   * smooth it over a window (losses) or show it raw (lr, epoch).
   */
  putScalar(name: string, value: number, smoothingHint = true): void {
    const known = this.hints.get(name);
    if (known !== undefined && known !== smoothingHint) throw new Error(`scalar ${name} was put with another smoothing hint before`);
    this.hints.set(name, smoothingHint);
    let h = this.histories.get(name);
    if (!h) this.histories.set(name, (h = new HistoryBuffer(this.maxLength)));
    h.update(value, this.iter);
    this.latestValues.set(name, [value, this.iter]);
  }

  putScalars(values: Record<string, number>, smoothingHint = true): void {
    for (const [k, v] of Object.entries(values)) this.putScalar(k, v, smoothingHint);
  }

  history(name: string): HistoryBuffer {
    const h = this.histories.get(name);
    if (!h) throw new Error(`no scalar named ${name} in the event storage`);
    return h;
  }

  hasHistory(name: string): boolean {
    return this.histories.has(name);
  }

  names(): string[] {
    return [...this.histories.keys()];
  }

  /** name -> [latest value, iteration it was put at]. */
  latest(): Map<string, [number, number]> {
    return new Map(this.latestValues);
  }

  /** Like latest(), but smoothed scalars give their median over the last `window` values. */
  latestWithSmoothingHint(window = 20): Map<string, [number, number]> {
    const out = new Map<string, [number, number]>();
    for (const [k, [v, it]] of this.latestValues) out.set(k, [this.hints.get(k) ? this.histories.get(k)!.median(window) : v, it]);
    return out;
  }

  smoothingHint(name: string): boolean | undefined {
    return this.hints.get(name);
  }

  /** Every scalar put at iterations in (after, upTo], grouped by iteration, ascending. */
  scalarsByIteration(after: number, upTo = Infinity): Map<number, Record<string, number>> {
    const out = new Map<number, Record<string, number>>();
    for (const [name, h] of this.histories) {
      for (const [v, it] of h.values()) {
        if (it <= after || it > upTo) continue;
        let row = out.get(it);
        if (!row) out.set(it, (row = {}));
        row[name] = v;
      }
    }
    return new Map([...out].sort((a, b) => a[0] - b[0]));
  }

  /** Serialisable state, keeping the last `keepLast` values per scalar (enough for smoothing windows). */
  stateDict(keepLast = 200): EventStorageState {
    return {
      iter: this.iter,
      histories: Object.fromEntries([...this.histories].map(([k, h]) => [k, h.stateDict(keepLast)])),
      smoothingHints: Object.fromEntries(this.hints),
    };
  }

  loadStateDict(s: EventStorageState): void {
    this.iter = s.iter;
    this.histories.clear();
    this.latestValues.clear();
    this.hints.clear();
    for (const [k, hs] of Object.entries(s.histories)) {
      const h = HistoryBuffer.fromState(hs, this.maxLength);
      this.histories.set(k, h);
      const last = hs.data[hs.data.length - 1];
      if (last) this.latestValues.set(k, [last[0], last[1]]);
    }
    for (const [k, v] of Object.entries(s.smoothingHints)) this.hints.set(k, v);
  }
}
