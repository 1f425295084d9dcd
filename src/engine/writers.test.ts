import { describe, expect, it } from 'vitest';
import { EventStorage } from './events';
import { CallbackWriter, CommonMetricPrinter, JSONWriter, formatDuration, type MetricRecord } from './writers';

function fill(s: EventStorage, from: number, to: number): void {
  for (let it = from; it < to; it++) {
    s.iter = it;
    s.putScalars({ total_loss: 20 - it, loss_ce: 1, loss_ce_0: 2, time: 2 });
    s.putScalar('lr', 1e-4, false);
    s.putScalar('epoch', Math.floor(it / 2), false);
  }
}

describe('JSONWriter', () => {
  it('writes one line per iteration, each once, leading keys first, even when called every few iterations', () => {
    const lines: string[] = [];
    const w = new JSONWriter((l) => lines.push(l));
    const s = new EventStorage(3);
    w.open(3);
    fill(s, 0, 3); // restored history from before the resume: never rewritten
    fill(s, 3, 6);
    w.write(s);
    fill(s, 6, 7);
    w.write(s);
    w.write(s);
    const rows = lines.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.iteration)).toEqual([3, 4, 5, 6]);
    expect(Object.keys(rows[0]).slice(0, 4)).toEqual(['iteration', 'epoch', 'lr', 'total_loss']);
    expect(rows[3]).toMatchObject({ iteration: 6, epoch: 3, total_loss: 14, loss_ce: 1, loss_ce_0: 2 });
  });
});

describe('CommonMetricPrinter', () => {
  it('prints the ETA from the median iteration time and hides auxiliary losses', () => {
    const lines: string[] = [];
    const s = new EventStorage();
    fill(s, 0, 10);
    new CommonMetricPrinter((l) => lines.push(l)).write(s, { maxIter: 100 });
    expect(lines[0]).toContain(`eta: ${formatDuration(2 * 90)}`); // 90 iterations left at 2 s
    expect(lines[0]).toContain('iter: 10/100');
    expect(lines[0]).toContain('loss_ce: 1.000');
    expect(lines[0]).not.toContain('loss_ce_0');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('CallbackWriter', () => {
  it('posts at most once per interval and loses no record', () => {
    let now = 0;
    const posts: MetricRecord[][] = [];
    const w = new CallbackWriter((r) => posts.push(r), { now: () => now }, 0.1);
    const s = new EventStorage();
    w.open(0);
    for (let it = 0; it < 10; it++) {
      fill(s, it, it + 1);
      w.write(s);
      now += 0.03; // 30 ms per iteration: a post every 4th write at most
    }
    w.close();
    expect(posts.map((p) => p.map((r) => r.iteration))).toEqual([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });
});
