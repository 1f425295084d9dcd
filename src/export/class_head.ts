/**
 * The class head across the official main.py's fixed 91 classes.
 *
 * main.py builds `class_embed` with num_classes + 1 = 92 outputs for COCO whatever the data
 * (models/detr.py build()), the last being no-object. A run with num_classes C < 91 has C + 1 rows.
 * Widening keeps every prediction and loss: rows 0..C-1 are copied, rows C..90 become impossible
 * classes (weight 0, bias IMPOSSIBLE_BIAS), the no-object row moves to index 91:
 *
 *   - softmax gives the impossible classes exactly 0 (exp(-1e4 - max) underflows to 0 in float32
 *     and float64), so the other probabilities, the matcher's costs, PostProcess scores and labels,
 *     the weighted cross-entropy (it reads only target columns; empty_weight's last entry is still
 *     no-object's eos_coef), class_error and cardinality_error (argmax != last column) are unchanged;
 *   - their gradient is exactly 0 (softmax backward is p * (...) with p = 0), so AdamW never moves
 *     their weights (0 stays 0 under weight decay) and their moments stay 0: they stay impossible
 *     for the whole official run, and narrowing back finds them intact.
 *
 * (src/export/class_head.test.ts checks all of this with PyTorch, and with the official criterion
 * and PostProcess when DETR_OFFICIAL_REPO is set.) The AdamW moments of class_embed are widened
 * the same way, with zeros in the impossible rows.
 */
import type { TorchArray } from '../model/state_dict';

/** main.py's num_classes for --dataset_file coco. */
export const OFFICIAL_NUM_CLASSES = 91;
/** Bias of an impossible class: far below any real logit, finite in float16 too. */
export const IMPOSSIBLE_BIAS = -1e4;
/** A row whose weight is all 0 and bias at most this is read back as impossible (weight decay shrinks the bias slowly). */
export const IMPOSSIBLE_BELOW = -1e3;

export const HEAD_WEIGHT = 'class_embed.weight';
export const HEAD_BIAS = 'class_embed.bias';
export const HEAD_NAMES = [HEAD_WEIGHT, HEAD_BIAS] as const;

/** Row i of the result is row map[i] of `a` (first dimension), or `fill` where map[i] is -1. */
function pickRows(a: TorchArray, map: readonly number[], fill: number): TorchArray {
  const rows = a.shape[0];
  const size = a.data.length / rows;
  const out = new Float32Array(map.length * size);
  map.forEach((src, i) => {
    if (src < 0) out.fill(fill, i * size, (i + 1) * size);
    else out.set(a.data.subarray(src * size, (src + 1) * size), i * size);
  });
  return { shape: [map.length, ...a.shape.slice(1)], data: out };
}

/** Rows of a widened head: 0..C-1 from the run, C..to-1 impossible (-1), `to` = the run's no-object row C. */
function widenMap(numClasses: number, to: number): number[] {
  return Array.from({ length: to + 1 }, (_, i) => (i < numClasses ? i : i < to ? -1 : numClasses));
}

/** Rows kept when narrowing a (to+1)-row head back to C classes: 0..C-1 and the last. */
function narrowMap(numClasses: number, to: number): number[] {
  return Array.from({ length: numClasses + 1 }, (_, i) => (i < numClasses ? i : to));
}

export type HeadPart = 'weight' | 'bias';

/** Widens one class_embed tensor (or an AdamW moment of it: `moment` fills impossible rows with 0). */
export function widenHeadTensor(a: TorchArray, part: HeadPart, numClasses: number, moment = false, to = OFFICIAL_NUM_CLASSES): TorchArray {
  if (a.shape[0] !== numClasses + 1) throw new Error(`class_embed.${part}: ${a.shape[0]} rows, expected num_classes + 1 = ${numClasses + 1}`);
  if (numClasses >= to) return a;
  const fill = moment || part === 'weight' ? 0 : IMPOSSIBLE_BIAS;
  return pickRows(a, widenMap(numClasses, to), fill);
}

/** Narrows one widened class_embed tensor (or moment) back to C classes. */
export function narrowHeadTensor(a: TorchArray, numClasses: number, to = OFFICIAL_NUM_CLASSES): TorchArray {
  if (a.shape[0] !== to + 1) throw new Error(`class_embed: ${a.shape[0]} rows, expected ${to + 1}`);
  return pickRows(a, narrowMap(numClasses, to), 0);
}

/** Whether class row i of a head is impossible (weight row exactly 0, bias very negative). */
function impossibleRow(weight: TorchArray, bias: TorchArray, i: number): boolean {
  if (!(bias.data[i] <= IMPOSSIBLE_BELOW)) return false;
  const size = weight.data.length / weight.shape[0];
  for (let j = i * size; j < (i + 1) * size; j++) if (weight.data[j] !== 0) return false;
  return true;
}

/**
 * The smallest C such that class rows C..(rows-2) of the head are all impossible: the run's
 * num_classes when the head is one we widened (rows - 1 when no row is impossible).
 */
export function widenedFrom(weight: TorchArray, bias: TorchArray): number {
  let c = bias.shape[0] - 1;
  while (c > 0 && impossibleRow(weight, bias, c - 1)) c--;
  return c;
}

export interface FitResult {
  /** The state dict with the head at the wanted size (the same map when nothing changed). */
  tensors: Map<string, TorchArray>;
  /** What was done, for the user (undefined when nothing was). */
  note?: string;
}

/**
 * A state dict whose 92-row head came from widening, narrowed back to `numClasses` when rows
 * numClasses..90 are the impossible ones. Any other head is returned unchanged (loading then
 * reports the mismatch, or keeps 91 classes if the config says so).
 */
export function fitClassHead(sd: Map<string, TorchArray>, numClasses: number, to = OFFICIAL_NUM_CLASSES): FitResult {
  const w = sd.get(HEAD_WEIGHT);
  const b = sd.get(HEAD_BIAS);
  if (!w || !b || w.shape[0] !== to + 1 || numClasses >= to) return { tensors: sd };
  const from = widenedFrom(w, b);
  if (from > numClasses) return { tensors: sd };
  const out = new Map(sd);
  out.set(HEAD_WEIGHT, narrowHeadTensor(w, numClasses, to));
  out.set(HEAD_BIAS, narrowHeadTensor(b, numClasses, to));
  return { tensors: out, note: `class head narrowed from the official ${to} classes back to num_classes ${numClasses} (rows ${numClasses}..${to - 1} were the impossible classes added on export)` };
}
