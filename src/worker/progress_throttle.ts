/**
 * ProgressThrottle: passes on at most one progress report per interval (the latest wins), but
 * always the first of a phase and its last step (done === total), so "Decoding images 1000/1000"
 * is never dropped while 1,000 per-image reports do not flood the page.
 */
import { SYSTEM_CLOCK, type BatchClock } from './metric_batcher';

export interface Progress {
  phase: string;
  done?: number;
  total?: number;
}

export class ProgressThrottle {
  private lastPost = -Infinity;
  private lastPhase: string | null = null;
  private pending: Progress | null = null;
  private timer: unknown = null;

  constructor(
    private readonly post: (p: Progress) => void,
    private readonly minIntervalMs = 100,
    private readonly clock: BatchClock = SYSTEM_CLOCK,
  ) {}

  report(p: Progress): void {
    const boundary = p.phase !== this.lastPhase || (p.total !== undefined && p.done === p.total);
    const wait = this.lastPost + this.minIntervalMs - this.clock.now();
    if (boundary || wait <= 0) {
      this.send(p);
      return;
    }
    this.pending = p;
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = null;
      if (this.pending) this.send(this.pending);
    }, wait);
  }

  private send(p: Progress): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.pending = null;
    this.lastPhase = p.phase;
    this.lastPost = this.clock.now();
    this.post(p);
  }
}
