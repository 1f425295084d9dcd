import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../worker/protocol';
import { appendColumns, appendRecords, column, EMPTY_LOG, lastValue, resetLog, truncateFrom } from './metric_log';

const rec = (iteration: number, extra: Record<string, number> = {}): MetricsRecord => ({
  iteration, epoch: 0, lr: 1e-4, total_loss: 10 - iteration * 0.01, class_error: 50, cardinality_error: 3, time: 0.5, data_time: 0.01, ...extra,
});

describe('MetricLog', () => {
  it('stores records column by column, keys in order of appearance', () => {
    const log = appendRecords(EMPTY_LOG, [rec(0, { loss_ce: 2 }), rec(1, { loss_ce: 1.5 })]);
    expect(log.length).toBe(2);
    expect(log.keys.slice(0, 3)).toEqual(['iteration', 'epoch', 'lr']);
    expect(Array.from(column(log, 'loss_ce')!)).toEqual([2, 1.5]);
    expect(column(log, 'loss_giou')).toBeUndefined();
  });

  it('fills NaN where a record lacks a key (a key appearing late, or vanishing)', () => {
    let log = appendRecords(EMPTY_LOG, [rec(0)]);
    log = appendRecords(log, [rec(1, { loss_ce_0: 4 })]);
    log = appendRecords(log, [rec(2)]);
    const col = Array.from(column(log, 'loss_ce_0')!);
    expect(col[1]).toBe(4);
    expect(Number.isNaN(col[0]) && Number.isNaN(col[2])).toBe(true);
    expect(lastValue(log, 'loss_ce_0')).toBe(4);
  });

  it('keeps old logs unchanged (appending to a stale log copies)', () => {
    const a = appendRecords(EMPTY_LOG, [rec(0), rec(1)]);
    const b = appendRecords(a, [rec(2)]);
    const c = appendRecords(a, [rec(7)]); // a branch from the older log
    expect(Array.from(column(a, 'iteration')!)).toEqual([0, 1]);
    expect(Array.from(column(b, 'iteration')!)).toEqual([0, 1, 2]);
    expect(Array.from(column(c, 'iteration')!)).toEqual([0, 1, 7]);
  });

  it('holds 100k records, appended in batches, in well under a second', () => {
    let log = EMPTY_LOG;
    const t0 = performance.now();
    for (let b = 0; b < 1000; b++) log = appendRecords(log, Array.from({ length: 100 }, (_, i) => rec(b * 100 + i, { loss_ce: 1, loss_bbox: 2, loss_giou: 3 })));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(log.length).toBe(100_000);
    expect(column(log, 'iteration')![99_999]).toBe(99_999);
  });

  it('resets to a new generation', () => {
    const log = appendRecords(EMPTY_LOG, [rec(0)]);
    const r = resetLog(log);
    expect(r.length).toBe(0);
    expect(r.generation).toBe(log.generation + 1);
  });

  it('truncates from an iteration (resume from an earlier checkpoint)', () => {
    const log = appendRecords(EMPTY_LOG, [0, 1, 2, 3, 4].map((i) => rec(i)));
    const t = truncateFrom(log, 3);
    expect(Array.from(column(t, 'iteration')!)).toEqual([0, 1, 2]);
    const again = appendRecords(t, [rec(3, { loss_ce: 9 })]);
    expect(Array.from(column(again, 'iteration')!)).toEqual([0, 1, 2, 3]);
    expect(Array.from(column(log, 'iteration')!)).toEqual([0, 1, 2, 3, 4]);
    expect(t.generation).toBe(log.generation + 1); // rows were dropped
    expect(again.generation).toBe(t.generation); // appending keeps it
  });
});

describe('MetricLog sizing', () => {
  it('sizes the buffers once from the expected row count', () => {
    const first = appendRecords(EMPTY_LOG, [rec(0)], 100_000);
    expect(first.buffers.capacity).toBe(100_000);
    let log = first;
    for (let i = 1; i < 100_000; i += 1000) log = appendRecords(log, Array.from({ length: Math.min(1000, 100_000 - i) }, (_, k) => rec(i + k)));
    expect(log.length).toBe(100_000);
    expect(log.buffers).toBe(first.buffers); // never regrown
  });
});

describe('appendColumns', () => {
  it('equals appending the same rows as records', () => {
    const a = appendRecords(EMPTY_LOG, [rec(0), rec(1, { loss_ce: 2 })]);
    const viaRecords = appendRecords(a, [rec(2, { loss_giou: 1 }), rec(3)]);
    const viaColumns = appendColumns(a, {
      keys: ['iteration', 'loss_giou', 'total_loss'],
      columns: [Float64Array.of(2, 3), Float64Array.of(1, NaN), Float64Array.of(rec(2).total_loss, rec(3).total_loss)],
      rows: 2,
    });
    for (const key of ['iteration', 'loss_ce', 'loss_giou', 'total_loss']) {
      expect(Array.from(column(viaColumns, key)!), key).toEqual(Array.from(column(viaRecords, key)!));
    }
    expect(Array.from(column(a, 'iteration')!)).toEqual([0, 1]); // the older log is unchanged
  });
});
