import { describe, expect, it } from 'vitest';
import { MetricBatcher, type BatchClock } from './metric_batcher';
import type { MetricsRecord } from './protocol';

/** A manual clock: time moves only when the test advances it, firing due timers in order. */
class ManualClock implements BatchClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

const rec = (iteration: number): MetricsRecord => ({
  iteration, epoch: 0, lr: 1e-4, total_loss: 1, class_error: 0, cardinality_error: 0, time: 0.001, data_time: 0,
});

describe('MetricBatcher', () => {
  it('posts at most one message per interval, in order, losing nothing', () => {
    const clock = new ManualClock();
    const posts: { at: number; its: number[] }[] = [];
    const b = new MetricBatcher((rs) => posts.push({ at: clock.t, its: rs.map((r) => r.iteration) }), 100, clock);
    // 1000 steps at 1 ms each: a 1000 it/s run.
    for (let i = 0; i < 1000; i++) {
      b.push(rec(i));
      clock.advance(1);
    }
    b.flush();
    // One message at t=0, then one every 100 ms, plus the final flush: 11 in 1 s.
    expect(posts.length).toBeLessThanOrEqual(11);
    for (let k = 1; k < posts.length - 1; k++) expect(posts[k].at - posts[k - 1].at).toBeGreaterThanOrEqual(100);
    expect(posts.flatMap((p) => p.its)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('posts a slow run record by record, without delay', () => {
    const clock = new ManualClock();
    const posts: number[][] = [];
    const b = new MetricBatcher((rs) => posts.push(rs.map((r) => r.iteration)), 100, clock);
    for (let i = 0; i < 3; i++) {
      b.push(rec(i));
      expect(posts.at(-1)).toEqual([i]); // 2 s per step: each record goes out as it arrives
      clock.advance(2000);
    }
  });

  it('never holds a record longer than the interval', () => {
    const clock = new ManualClock();
    const posts: { at: number; its: number[] }[] = [];
    const b = new MetricBatcher((rs) => posts.push({ at: clock.t, its: rs.map((r) => r.iteration) }), 100, clock);
    b.push(rec(0)); // posted at 0
    clock.advance(10);
    b.push(rec(1)); // queued, due at 100
    clock.advance(200);
    expect(posts).toEqual([{ at: 0, its: [0] }, { at: 100, its: [1] }]);
  });
});
