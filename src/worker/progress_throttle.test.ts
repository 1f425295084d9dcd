import { describe, expect, it } from 'vitest';
import type { BatchClock } from './metric_batcher';
import { ProgressThrottle, type Progress } from './progress_throttle';

function clock() {
  let t = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const c: BatchClock & { advance(ms: number): void } = {
    now: () => t,
    setTimeout: (fn, ms) => (timers.push({ at: t + ms, fn, id: ++id }), id),
    clearTimeout: (h) => void (timers = timers.filter((x) => x.id !== h)),
    advance(ms) {
      const end = t + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        t = next.at;
        next.fn();
      }
      t = end;
    },
  };
  return c;
}

describe('ProgressThrottle', () => {
  it('keeps the first and last step of a phase, and at most one report per interval between', () => {
    const c = clock();
    const posted: Progress[] = [];
    const p = new ProgressThrottle((x) => posted.push(x), 100, c);
    for (let i = 1; i <= 1000; i++) {
      p.report({ phase: 'Decoding images', done: i, total: 1000 });
      c.advance(1); // 1 ms per image
    }
    p.report({ phase: 'Building the model' });
    expect(posted[0]).toEqual({ phase: 'Decoding images', done: 1, total: 1000 });
    expect(posted.at(-2)).toEqual({ phase: 'Decoding images', done: 1000, total: 1000 });
    expect(posted.at(-1)).toEqual({ phase: 'Building the model' });
    expect(posted.length).toBeLessThanOrEqual(13); // 1 s of reports at <= 10/s, plus the boundaries
    const dones = posted.filter((x) => x.phase === 'Decoding images').map((x) => x.done!);
    expect([...dones].sort((a, b) => a - b)).toEqual(dones); // in order
  });

  it('delivers a held report once the interval has passed', () => {
    const c = clock();
    const posted: Progress[] = [];
    const p = new ProgressThrottle((x) => posted.push(x), 100, c);
    p.report({ phase: 'a', done: 1, total: 10 });
    c.advance(10);
    p.report({ phase: 'a', done: 2, total: 10 });
    expect(posted.length).toBe(1);
    c.advance(100);
    expect(posted.at(-1)).toEqual({ phase: 'a', done: 2, total: 10 });
  });
});
