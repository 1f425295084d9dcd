import { describe, expect, it } from 'vitest';
import { EventStorage, HistoryBuffer } from './events';

describe('HistoryBuffer', () => {
  it('has numpy median and mean over a window, and a global average', () => {
    const h = new HistoryBuffer();
    [5, 1, 4, 2, 3, 10].forEach((v, i) => h.update(v, i));
    expect(h.latest()).toBe(10);
    expect(h.median(3)).toBe(3); // [2, 3, 10]
    expect(h.median(4)).toBe(3.5); // [4, 2, 3, 10] -> (3 + 4) / 2, as numpy.median
    expect(h.avg(2)).toBe(6.5);
    expect(h.globalAvg()).toBe(25 / 6);
  });

  it('keeps only the last maxLength values, the global average all of them', () => {
    const h = new HistoryBuffer(3);
    for (let i = 0; i < 10; i++) h.update(i, i);
    expect(h.values().map(([v]) => v)).toEqual([7, 8, 9]);
    expect(h.globalAvg()).toBe(4.5);
  });
});

describe('EventStorage', () => {
  it('groups scalars by iteration and smooths only hinted ones', () => {
    const s = new EventStorage();
    for (let it = 0; it < 4; it++) {
      s.iter = it;
      s.putScalars({ total_loss: 10 - it, loss_ce: it });
      s.putScalar('lr', 0.1, false);
    }
    expect([...s.scalarsByIteration(1).keys()]).toEqual([2, 3]);
    expect(s.scalarsByIteration(2).get(3)).toEqual({ total_loss: 7, loss_ce: 3, lr: 0.1 });
    const smoothed = s.latestWithSmoothingHint(3);
    expect(smoothed.get('total_loss')).toEqual([8, 3]); // median of 9, 8, 7
    expect(smoothed.get('lr')).toEqual([0.1, 3]);
    expect(() => s.putScalar('lr', 0.2, true)).toThrow(/smoothing hint/);
  });

  it('round-trips its state (bounded to the last values kept)', () => {
    const s = new EventStorage();
    for (let it = 0; it < 5; it++) {
      s.iter = it;
      s.putScalar('time', it + 0.5);
      s.putScalar('epoch', 0, false);
    }
    const t = new EventStorage();
    t.loadStateDict(JSON.parse(JSON.stringify(s.stateDict(3))));
    expect(t.iter).toBe(4);
    expect(t.history('time').values()).toEqual([[2.5, 2], [3.5, 3], [4.5, 4]]);
    expect(t.history('time').globalAvg()).toBe(s.history('time').globalAvg());
    expect(t.smoothingHint('epoch')).toBe(false);
    expect(t.latest().get('time')).toEqual([4.5, 4]);
  });
});
