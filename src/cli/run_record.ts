/**
 * O/run.json, written by `train`: where the run's data came from and its config, so that
 * `export-job --run O` can rebuild the datasets the run iterated over.
 */
import type { DetrConfig } from '../config/config';

export const RUN_FILE = 'run.json';
export const RUN_FORMAT = 'detr-studio-run';

export interface RunRecord {
  format: typeof RUN_FORMAT;
  version: 1;
  /** Absolute paths as given to --data and --val (a folder, a .zip or an annotations .json). */
  data: string;
  val: string | null;
  config: DetrConfig;
}

export function runRecord(config: DetrConfig, data: string, val: string | null): RunRecord {
  return { format: RUN_FORMAT, version: 1, data, val, config };
}

/** Parses run.json text, naming the file on a problem. */
export function parseRunRecord(text: string, file: string): RunRecord {
  let r: Partial<RunRecord>;
  try {
    r = JSON.parse(text) as Partial<RunRecord>;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (r?.format !== RUN_FORMAT) throw new Error(`${file}: not a detr-studio run record (format "${String(r?.format)}")`);
  if (typeof r.data !== 'string') throw new Error(`${file}: "data" must be the path of the training data`);
  if (r.val !== null && typeof r.val !== 'string') throw new Error(`${file}: "val" must be a path or null`);
  return r as RunRecord;
}
