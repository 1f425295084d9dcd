import { describe, expect, it } from 'vitest';
import { parseMetricsJsonl, recordsToColumns } from './metrics_jsonl';

describe('parseMetricsJsonl', () => {
  it('keeps numeric fields of each line, skipping blank lines', () => {
    const text = '{"iteration": 0, "total_loss": 5.5, "lr": 0.0001, "note": "x"}\n\n{"iteration": 1, "total_loss": 5.1, "loss_ce": 2}\n';
    expect(parseMetricsJsonl(text, 'metrics.jsonl')).toEqual([
      { iteration: 0, total_loss: 5.5, lr: 0.0001 },
      { iteration: 1, total_loss: 5.1, loss_ce: 2 },
    ]);
  });

  it('names the file and line of a bad line', () => {
    expect(() => parseMetricsJsonl('{"iteration": 0}\n{"iteration": 1,}\n', 'run/metrics.jsonl')).toThrow(/^run\/metrics.jsonl line 2: not valid JSON/);
    expect(() => parseMetricsJsonl('{"iteration": 0}\n[1,2]\n', 'm.jsonl')).toThrow('m.jsonl line 2: expected a JSON object of metrics');
    expect(() => parseMetricsJsonl('{"total_loss": 1}\n', 'm.jsonl')).toThrow('m.jsonl line 1: "iteration" is missing or not a number');
    expect(() => parseMetricsJsonl('\n\n', 'm.jsonl')).toThrow('m.jsonl: no metrics lines found');
    expect(() => parseMetricsJsonl('{"iteration": 5}\n\n{"iteration": 2}\n', 'm.jsonl')).toThrow('m.jsonl line 3: iterations go backwards (5 then 2)');
  });
});

describe('recordsToColumns', () => {
  it('lays records out by key, NaN where one is missing', () => {
    const recs = parseMetricsJsonl('{"iteration": 0, "a": 1}\n{"iteration": 1, "b": 2}\n{"iteration": 2, "a": 3}\n', 'm');
    const c = recordsToColumns(recs, 1, 3);
    expect(c.rows).toBe(2);
    expect(c.keys).toEqual(['iteration', 'b', 'a']);
    expect(Array.from(c.columns[0])).toEqual([1, 2]);
    expect(Array.from(c.columns[1])).toEqual([2, NaN]);
    expect(Array.from(c.columns[2])).toEqual([NaN, 3]);
  });
});
