/**
 * DETR's `log.txt` (main.py): one JSON object per epoch, written after the epoch's evaluation,
 *
 *   {"train_lr": .., "train_class_error": .., "train_loss": .., "train_loss_ce": .., ...,
 *    "train_loss_ce_unscaled": .., "train_class_error_unscaled": .., ..., "test_class_error": .., ...,
 *    "test_coco_eval_bbox": [12 pycocotools stats], "epoch": e, "n_parameters": n}
 *
 * where each train_* value is the epoch's global average of what engine.py's MetricLogger was given
 * each iteration: `loss` (the weighted total), every weighted loss in weight_dict (`loss_ce`,
 * `loss_bbox`, `loss_giou` and their `_i` aux copies), every raw loss_dict entry as `<key>_unscaled`,
 * `class_error` and `lr` (param group 0). Keys are in the order MetricLogger creates its meters.
 *
 * Writing (`detrLogRecord`): our per-iteration scalars hold the unscaled losses, so scaled ones are
 * recomputed with the weight dict. The studio's evaluation measures COCO AP but no validation losses:
 * those test_* keys are written as null (pandas reads NaN, so `util/plot_utils.plot_logs` still draws).
 *
 * Reading (`parseDetrLog`): an official (or our) log.txt -> one metrics record per epoch for the
 * page's charts, in our metric names (unscaled losses, `total_loss`, `lr`, `bbox/AP`...).
 */
import type { MetricRecord } from '../engine/writers';
import { COCO_STAT_NAMES } from '../eval/coco_types';

/** The loss_dict keys SetCriterion returns per decoder layer, in its order (class_error only for the last). */
const LAYER_KEYS = ['loss_ce', 'class_error', 'loss_bbox', 'loss_giou', 'cardinality_error'] as const;
const LOSS_KEY = /^(loss_[a-z]+|class_error|cardinality_error)(?:_(\d+))?$/;

/** Sorts loss_dict keys as SetCriterion.forward creates them: the last layer's, then aux layer 0, 1, ... */
export function lossDictOrder(keys: Iterable<string>): string[] {
  const rank = (k: string): [number, number, string] => {
    const m = LOSS_KEY.exec(k)!;
    const layer = m[2] === undefined ? -1 : Number(m[2]);
    const i = (LAYER_KEYS as readonly string[]).indexOf(m[1]);
    return [layer, i < 0 ? LAYER_KEYS.length : i, m[1]];
  };
  return [...keys]
    .filter((k) => LOSS_KEY.test(k))
    .sort((a, b) => {
      const [la, ia, na] = rank(a);
      const [lb, ib, nb] = rank(b);
      return la - lb || ia - ib || na.localeCompare(nb);
    });
}

export interface EpochLogInput {
  epoch: number;
  /** The epoch's mean of each per-iteration scalar (our names: `total_loss`, `lr`, unscaled losses). */
  train: Record<string, number>;
  /** DETR's weight_dict (model/build.ts buildWeightDict). */
  weightDict: Record<string, number>;
  /** The 12 COCO bbox stats in pycocotools order when evaluation ran at this epoch's end. */
  cocoEvalBbox?: readonly number[];
  /** Trainable parameters (main.py's n_parameters). */
  nParameters: number;
}

export type DetrLogRecord = Record<string, number | number[] | null>;

/** One log.txt object, keys in the official order. */
export function detrLogRecord(o: EpochLogInput): DetrLogRecord {
  const losses = lossDictOrder(Object.keys(o.train));
  const scaled = losses.filter((k) => k in o.weightDict);
  const out: DetrLogRecord = {};
  const put = (prefix: 'train' | 'test', values: Record<string, number> | null) => {
    const v = (k: string, scale = 1) => (values && Number.isFinite(values[k]) ? values[k] * scale : null);
    if (prefix === 'train') out.train_lr = v('lr');
    out[`${prefix}_class_error`] = v('class_error');
    out[`${prefix}_loss`] = v('total_loss');
    for (const k of scaled) out[`${prefix}_${k}`] = v(k, o.weightDict[k]);
    for (const k of losses) out[`${prefix}_${k}_unscaled`] = v(k);
  };
  put('train', o.train);
  if (o.cocoEvalBbox) {
    put('test', null);
    out.test_coco_eval_bbox = [...o.cocoEvalBbox];
  }
  out.epoch = o.epoch;
  out.n_parameters = o.nParameters;
  return out;
}

export class DetrLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DetrLogError';
  }
}

export interface ParseDetrLogOptions {
  /**
   * Iterations per epoch of the run, to place each epoch at its last iteration on the charts'
   * iteration axis; without it `iteration` is the epoch number.
   */
  itersPerEpoch?: number;
}

/** Our metric name for a log.txt key (undefined: not charted). */
function metricName(key: string): string | undefined {
  if (key === 'train_lr') return 'lr';
  if (key === 'train_loss') return 'total_loss';
  if (key === 'test_loss') return 'test/total_loss';
  let m = /^train_(.+)_unscaled$/.exec(key);
  if (m) return m[1];
  m = /^test_(.+)_unscaled$/.exec(key);
  if (m) return `test/${m[1]}`;
  return undefined;
}

/** log.txt text -> one record per epoch (ascending as written), for charts and comparisons. */
export function parseDetrLog(text: string, source = 'log.txt', opts: ParseDetrLogOptions = {}): MetricRecord[] {
  const ipe = opts.itersPerEpoch;
  if (ipe !== undefined && !(Number.isInteger(ipe) && ipe >= 1)) throw new DetrLogError(`${source}: iterations per epoch must be an integer >= 1, got ${ipe}`);
  const out: MetricRecord[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new DetrLogError(`${source} line ${lineNo}: not valid JSON (${(e as Error).message})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new DetrLogError(`${source} line ${lineNo}: expected a JSON object (one epoch of DETR's log.txt)`);
    const row = obj as Record<string, unknown>;
    const epoch = row.epoch;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
      throw new DetrLogError(`${source} line ${lineNo}: "epoch" is missing or not a non-negative integer (is this DETR's log.txt?)`);
    }
    const rec: MetricRecord = { iteration: ipe === undefined ? epoch : (epoch + 1) * ipe - 1, epoch };
    for (const [k, v] of Object.entries(row)) {
      const name = metricName(k);
      if (name !== undefined && typeof v === 'number' && Number.isFinite(v)) rec[name] = v;
    }
    if (typeof row.train_class_error === 'number' && !('class_error' in rec)) rec.class_error = row.train_class_error;
    const coco = row.test_coco_eval_bbox;
    if (coco !== undefined && coco !== null) {
      if (!Array.isArray(coco) || coco.length !== COCO_STAT_NAMES.length || coco.some((x) => typeof x !== 'number')) {
        throw new DetrLogError(`${source} line ${lineNo}: "test_coco_eval_bbox" must be a list of ${COCO_STAT_NAMES.length} numbers`);
      }
      COCO_STAT_NAMES.forEach((n, i) => (rec[`bbox/${n}`] = coco[i] as number));
    }
    if (out.length && rec.epoch <= out[out.length - 1].epoch) {
      throw new DetrLogError(`${source} line ${lineNo}: epoch ${rec.epoch} after epoch ${out[out.length - 1].epoch} (two runs in one file?)`);
    }
    out.push(rec);
  }
  if (!out.length) throw new DetrLogError(`${source}: no epoch lines found`);
  return out;
}
