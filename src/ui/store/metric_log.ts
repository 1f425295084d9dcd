/**
 * MetricLog: every metrics record of a run, column by column (one Float64Array per key), so a
 * 100k-iteration run costs ~1 MB per key and a chart reads a column without walking objects.
 *
 * Values are immutable from the outside: `appendRecords` returns a new log. Logs share growable
 * buffers (appending writes past the end that older logs can see, never inside it); appending to
 * a log that is no longer the newest copies first, so every log value keeps meaning what it meant.
 */
import type { MetricsColumns, MetricsRecord } from '../../worker/protocol';

interface Buffers {
  columns: Map<string, Float64Array>;
  capacity: number;
  /** Rows written into the buffers (the newest log's length). */
  filled: number;
}

export interface MetricLog {
  readonly length: number;
  /** Changes whenever rows are dropped (a new run, a resume): caches built by appending start over. */
  readonly generation: number;
  /** Column names in order of first appearance; `iteration` first. */
  readonly keys: readonly string[];
  readonly buffers: Buffers;
}

export const EMPTY_LOG: MetricLog = Object.freeze({
  length: 0,
  generation: 0,
  keys: Object.freeze(['iteration']) as readonly string[],
  buffers: { columns: new Map([['iteration', new Float64Array(0)]]), capacity: 0, filled: 0 },
});

// Rows at or past `filled` are never read (views stop at a log's length) and every appended row
// writes every column, so new buffers are not pre-filled: a fresh Float64Array costs nothing
// until written, while filling 30 columns of 100k rows is tens of ms on the main thread.
function copyBuffers(log: MetricLog, capacity: number): Buffers {
  const columns = new Map<string, Float64Array>();
  for (const key of log.keys) {
    const col = new Float64Array(capacity);
    col.set(log.buffers.columns.get(key)!.subarray(0, log.length));
    columns.set(key, col);
  }
  return { columns, capacity, filled: log.length };
}

/**
 * A log holding `log`'s rows followed by `records` (keys taken from the records). `expectedRows`
 * (e.g. a metrics file's line count) sizes the buffers once instead of doubling them.
 */
export function appendRecords(log: MetricLog, records: readonly MetricsRecord[], expectedRows = 0): MetricLog {
  if (records.length === 0) return log;
  const need = log.length + records.length;
  let buffers = log.buffers;
  if (buffers.filled !== log.length || buffers.capacity < need) {
    // Stale (someone appended to this log already) or full: start new buffers.
    buffers = copyBuffers(log, Math.max(need, expectedRows, 2 * buffers.capacity, 1024));
  }
  const keys = [...log.keys];
  const known = new Set(keys);
  for (let r = 0; r < records.length; r++) {
    const row = log.length + r;
    const rec = records[r] as unknown as Record<string, number>;
    for (const key in rec) {
      const v = rec[key];
      if (typeof v !== 'number') continue;
      if (!known.has(key)) {
        known.add(key);
        keys.push(key);
        // A key first seen now: NaN (a gap) in every earlier row. (Buffers hold no column for it yet:
        // the only log whose length equals `filled` is the newest, which knows every key.)
        buffers.columns.set(key, new Float64Array(buffers.capacity).fill(NaN, 0, row));
      }
      buffers.columns.get(key)![row] = v;
    }
    // A key a record lacks stays NaN (a gap in its chart).
    for (const key of keys) if (!(key in rec)) buffers.columns.get(key)![row] = NaN;
  }
  buffers.filled = need;
  return { length: need, generation: log.generation, keys, buffers };
}

/** Like appendRecords, for rows already laid out by column (a metrics file's chunk). */
export function appendColumns(log: MetricLog, chunk: MetricsColumns, expectedRows = 0): MetricLog {
  if (chunk.rows === 0) return log;
  const need = log.length + chunk.rows;
  let buffers = log.buffers;
  if (buffers.filled !== log.length || buffers.capacity < need) buffers = copyBuffers(log, Math.max(need, expectedRows, 2 * buffers.capacity, 1024));
  const keys = [...log.keys];
  const given = new Map(chunk.keys.map((k, i) => [k, chunk.columns[i]]));
  for (const key of chunk.keys) {
    if (keys.includes(key)) continue;
    keys.push(key);
    buffers.columns.set(key, new Float64Array(buffers.capacity).fill(NaN, 0, log.length));
  }
  for (const key of keys) {
    const col = buffers.columns.get(key)!;
    const src = given.get(key);
    if (src) col.set(src.subarray(0, chunk.rows), log.length);
    else col.fill(NaN, log.length, need);
  }
  buffers.filled = need;
  return { length: need, generation: log.generation, keys, buffers };
}

/** The rows whose iteration is below `iteration` (a run resumed from an earlier checkpoint). */
export function truncateFrom(log: MetricLog, iteration: number): MetricLog {
  const it = column(log, 'iteration')!;
  let n = log.length;
  while (n > 0 && it[n - 1] >= iteration) n--;
  return n === log.length ? log : { ...log, length: n, generation: log.generation + 1 };
}

/** An empty log for a new run (a new generation, so appending caches start over). */
export function resetLog(log: MetricLog): MetricLog {
  return { ...EMPTY_LOG, generation: log.generation + 1 };
}

/** A read-only view of one column (undefined when no record had the key). Do not write to it. */
export function column(log: MetricLog, key: string): Float64Array | undefined {
  if (!log.keys.includes(key)) return undefined;
  return log.buffers.columns.get(key)!.subarray(0, log.length);
}

/** The newest finite value of a column, or undefined. */
export function lastValue(log: MetricLog, key: string): number | undefined {
  const col = column(log, key);
  if (!col) return undefined;
  for (let i = col.length - 1; i >= 0; i--) if (Number.isFinite(col[i])) return col[i];
  return undefined;
}
