/**
 * Evaluation-mode uses of the model, as functions the CLI and the worker share:
 * raw outputs (`predict --raw`), COCO detections (`predict`), and the loss of a batch (`loss`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/types';
import type { DETR, DetrOutputs } from '../model/detr';
import type { SetCriterion } from '../model/criterion';
import type { Indices } from '../model/matcher';
import { EVAL } from '../model/module';
import { postProcess, type ImageDetections } from '../model/postprocess';

type Nested = number[][][];

function toNested(data: Float32Array, [B, Q, K]: number[]): Nested {
  return Array.from({ length: B }, (_, b) => Array.from({ length: Q }, (_, q) => Array.from(data.subarray((b * Q + q) * K, (b * Q + q + 1) * K))));
}

export interface RawOutputs {
  pred_logits: Nested;
  pred_boxes: Nested;
  aux_outputs: { pred_logits: Nested; pred_boxes: Nested }[];
}

function disposeOutputs(o: DetrOutputs): void {
  tf.dispose([o.pred_logits, o.pred_boxes, ...o.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes])]);
}

/** The model's outputs for the batch as nested arrays (DETR's output dict). */
export async function predictRaw(model: DETR, batch: Batch): Promise<RawOutputs> {
  const out = tf.tidy(() => model.call(batch, EVAL));
  const layers = [out, ...out.aux_outputs];
  // GPU->CPU sync point: every output is the command's result.
  const packed = tf.tidy(() => tf.concat(layers.flatMap((l) => [tf.reshape(l.pred_logits, [-1]), tf.reshape(l.pred_boxes, [-1])])));
  const host = (await packed.data()) as Float32Array;
  const shapes = layers.flatMap((l) => [l.pred_logits.shape, l.pred_boxes.shape]);
  disposeOutputs(out);
  packed.dispose();
  const arrays: Nested[] = [];
  let o = 0;
  for (const s of shapes) {
    const n = s[0] * s[1] * s[2];
    arrays.push(toNested(host.subarray(o, o + n), s));
    o += n;
  }
  return {
    pred_logits: arrays[0],
    pred_boxes: arrays[1],
    aux_outputs: out.aux_outputs.map((_, i) => ({ pred_logits: arrays[2 + 2 * i], pred_boxes: arrays[3 + 2 * i] })),
  };
}

/** PostProcess of the final layer, boxes scaled to each image's original [h, w]. */
export async function predictDetections(model: DETR, batch: Batch): Promise<ImageDetections[]> {
  const out = tf.tidy(() => model.call(batch, EVAL));
  try {
    return await postProcess(out.pred_logits, out.pred_boxes, batch.targets.map((t) => t.orig_size));
  } finally {
    disposeOutputs(out);
  }
}

export interface LossResult {
  losses: Record<string, number>;
  total: number;
  /** Per image [[src...], [tgt...]] for the final layer, then per auxiliary layer. */
  indices: [number[], number[]][];
  aux_indices: [number[], number[]][][];
}

const asPairs = (ix: Indices): [number[], number[]][] => ix.map(({ src, tgt }) => [Array.from(src), Array.from(tgt)]);

/** DETR's loss dict and weighted total for one batch in evaluation mode (no dropout, no gradient). */
export async function computeLoss(model: DETR, criterion: SetCriterion, batch: Batch): Promise<LossResult> {
  const out = tf.tidy(() => model.call(batch, EVAL));
  try {
    const { indices } = await criterion.match(out, batch.targets);
    const { keys, packed } = tf.tidy(() => {
      const { losses, total } = criterion.losses(out, batch.targets, indices);
      const keys = Object.keys(losses);
      return { keys, packed: tf.stack([...keys.map((k) => losses[k]), total]) };
    });
    const host = await packed.data(); // GPU->CPU sync point: the logged scalars
    packed.dispose();
    const losses = Object.fromEntries(keys.map((k, i) => [k, host[i]]));
    return { losses, total: host[keys.length], indices: asPairs(indices[0]), aux_indices: indices.slice(1).map(asPairs) };
  } finally {
    disposeOutputs(out);
  }
}
