/**
 * Reads a metrics.jsonl (the CLI's `train --out O` writes O/metrics.jsonl, one JSON object a line,
 * Detectron2 style) so the page can chart a run trained elsewhere. Numeric fields are kept; a line
 * that is not a JSON object with a numeric `iteration` is an error naming the file and line.
 */
import type { MetricsColumns, MetricsRecord } from './protocol';

export class MetricsFileError extends Error {}

export function parseMetricsJsonl(text: string, source: string): MetricsRecord[] {
  const records: MetricsRecord[] = [];
  const lineOf: number[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      throw new MetricsFileError(`${source} line ${lineNo}: not valid JSON (${(e as Error).message})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new MetricsFileError(`${source} line ${lineNo}: expected a JSON object of metrics`);
    }
    const row: Record<string, number> = {};
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'number') row[k] = v;
    if (!Number.isFinite(row.iteration)) {
      throw new MetricsFileError(`${source} line ${lineNo}: "iteration" is missing or not a number`);
    }
    // Evaluation lines (Detectron2 writes `bbox/AP` etc. on their own lines) carry no losses; keep them too.
    records.push(row as unknown as MetricsRecord);
    lineOf.push(lineNo);
  }
  if (records.length === 0) throw new MetricsFileError(`${source}: no metrics lines found`);
  for (let i = 1; i < records.length; i++) {
    if (records[i].iteration < records[i - 1].iteration) {
      throw new MetricsFileError(`${source} line ${lineOf[i]}: iterations go backwards (${records[i - 1].iteration} then ${records[i].iteration}); is this two runs in one file?`);
    }
  }
  return records;
}

/** Records [start, end) as columns (keys in order of first appearance; NaN where a record lacks one). */
export function recordsToColumns(records: readonly MetricsRecord[], start = 0, end = records.length): MetricsColumns {
  const rows = Math.max(0, end - start);
  const index = new Map<string, number>();
  const columns: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    const rec = records[start + r] as unknown as Record<string, number>;
    for (const key in rec) {
      let c = index.get(key);
      if (c === undefined) {
        c = columns.length;
        index.set(key, c);
        columns.push(new Float64Array(rows).fill(NaN));
      }
      columns[c][r] = rec[key];
    }
  }
  return { keys: [...index.keys()], columns, rows };
}
