/**
 * MetricBatcher: delivers per-iteration metrics records at a bounded message rate.
 *
 * A fast run (tiny model, many iterations a second) must not flood the page with one message per
 * step: records are queued and posted together, at most once per `minIntervalMs` (default 100 ms,
 * i.e. <= 10 messages a second). A record never waits longer than `minIntervalMs`, and `flush()`
 * (pause, stop, failure) posts whatever is queued at once.
 */
import type { MetricsRecord } from './protocol';

/** The time source; injected so tests run without waiting. */
export interface BatchClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: BatchClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class MetricBatcher {
  private queue: MetricsRecord[] = [];
  private lastPost = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly post: (records: MetricsRecord[]) => void,
    private readonly minIntervalMs = 100,
    private readonly clock: BatchClock = SYSTEM_CLOCK,
  ) {}

  push(record: MetricsRecord): void {
    this.queue.push(record);
    if (this.timer !== null) return;
    const wait = this.lastPost + this.minIntervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  /** Posts everything queued now (no-op when empty). */
  flush(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    this.lastPost = this.clock.now();
    this.post(records);
  }

  /** Drops the pending timer; queued records are flushed first. */
  dispose(): void {
    this.flush();
  }
}
