/**
 * SetCriterion (models/detr.py): DETR's losses given the matcher's assignment.
 *
 *   loss_ce    cross-entropy over C+1 classes, no-object weighted by eos_coef, mean weighted by the
 *              targets' weights (F.cross_entropy with `weight`)
 *   loss_bbox  L1 over the 4 coords of matched boxes, / num_boxes
 *   loss_giou  1 - GIoU of matched boxes, / num_boxes
 *   class_error        100 - top-1 accuracy of matched predictions (logged, no gradient)
 *   cardinality_error  |#non-empty predictions - #targets|, mean over images (logged, no gradient)
 * plus `_i` copies for each auxiliary decoder layer i (independently matched; no class_error_i).
 * num_boxes = number of targets in the batch, at least 1. `total` = sum of loss * weight_dict[key].
 *
 * Target-dependent constants (one-hot classes, CE weights, the matched-query selection) are built on
 * the CPU from the indices and uploaded; gathering by a selection matmul instead of tf.gather keeps
 * the gradient on kernels every backend has.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Target } from '../data/types';
import { concatTargets, type HungarianMatcher, type Indices, type LayerOutputs } from './matcher';
import { boxCxcywhToXyxy, pairedGeneralizedBoxIou } from '../ops/box_ops';

export type LossDict = Record<string, tf.Scalar>;

export interface CriterionOptions {
  numClasses: number;
  eosCoef: number;
  weightDict: Record<string, number>;
  losses: readonly LossName[];
}

export type LossName = 'labels' | 'boxes' | 'cardinality';

/** Host-side description of one layer's assignment, shared by its losses. */
interface Assignment {
  B: number;
  Q: number;
  /** matched (image, query) rows in DETR's order: image by image, queries ascending */
  rows: Int32Array;
  tgtLabels: Int32Array;
  tgtBoxes: Float32Array;
  lengths: number[];
  numBoxes: number;
}

function assignmentOf(out: LayerOutputs, targets: Target[], indices: Indices, numBoxes: number): Assignment {
  const [B, Q] = out.pred_logits.shape;
  const n = indices.reduce((a, ix) => a + ix.src.length, 0);
  const rows = new Int32Array(n);
  const tgtLabels = new Int32Array(n);
  const tgtBoxes = new Float32Array(n * 4);
  let k = 0;
  indices.forEach(({ src, tgt }, b) => {
    for (let i = 0; i < src.length; i++, k++) {
      rows[k] = b * Q + src[i];
      tgtLabels[k] = targets[b].labels[tgt[i]];
      tgtBoxes.set(targets[b].boxes.subarray(tgt[i] * 4, tgt[i] * 4 + 4), k * 4);
    }
  });
  return { B, Q, rows, tgtLabels, tgtBoxes, lengths: targets.map((t) => t.labels.length), numBoxes };
}

/** [N, B*Q] one-hot rows picking the matched predictions. */
function selection(a: Assignment): tf.Tensor2D {
  const m = new Float32Array(a.rows.length * a.B * a.Q);
  a.rows.forEach((r, i) => (m[i * a.B * a.Q + r] = 1));
  return tf.tensor2d(m, [a.rows.length, a.B * a.Q]);
}

export class SetCriterion {
  private readonly lossMap: Record<LossName, (out: LayerOutputs, a: Assignment, log: boolean) => Record<string, tf.Scalar>>;

  constructor(readonly matcher: HungarianMatcher, readonly o: CriterionOptions) {
    this.lossMap = {
      labels: (out, a, log) => this.lossLabels(out, a, log),
      boxes: (out, a) => this.lossBoxes(out, a),
      cardinality: (out, a) => this.lossCardinality(out, a),
    };
  }

  private lossLabels(out: LayerOutputs, a: Assignment, log: boolean): Record<string, tf.Scalar> {
    const K = this.o.numClasses + 1;
    const rowsN = a.B * a.Q;
    const onehot = new Float32Array(rowsN * K);
    const weight = new Float32Array(rowsN).fill(this.o.eosCoef);
    for (let r = 0; r < rowsN; r++) onehot[r * K + K - 1] = 1;
    a.rows.forEach((r, i) => {
      const label = a.tgtLabels[i];
      if (label < 0 || label >= this.o.numClasses) {
        throw new Error(`target category id ${label} does not fit num_classes ${this.o.numClasses} (DETR needs num_classes > every category id)`);
      }
      onehot[r * K + K - 1] = 0;
      onehot[r * K + label] = 1;
      weight[r] = 1;
    });
    const weightSum = weight.reduce((s, w) => s + w, 0);
    const logits = tf.reshape(out.pred_logits, [rowsN, K]);
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor2d(onehot, [rowsN, K])), 1)); // [BQ]
    const res: Record<string, tf.Scalar> = { loss_ce: tf.div(tf.sum(tf.mul(nll, tf.tensor1d(weight))), weightSum) as tf.Scalar };
    if (log) {
      // 100 - top-1 accuracy (%) of the matched predictions; 100 when nothing is matched.
      res.class_error =
        a.rows.length === 0
          ? tf.scalar(100)
          : (tf.sub(100, tf.mul(tf.mean(tf.cast(tf.equal(tf.argMax(tf.matMul(selection(a), logits), 1), tf.tensor1d(a.tgtLabels, 'int32')), 'float32')), 100)) as tf.Scalar);
    }
    return res;
  }

  private lossBoxes(out: LayerOutputs, a: Assignment): Record<string, tf.Scalar> {
    if (a.rows.length === 0) return { loss_bbox: tf.scalar(0), loss_giou: tf.scalar(0) };
    const src = tf.matMul(selection(a), tf.reshape(out.pred_boxes, [a.B * a.Q, 4])); // [N, 4]
    const tgt = tf.tensor2d(a.tgtBoxes, [a.rows.length, 4]);
    const lossBbox = tf.div(tf.sum(tf.abs(tf.sub(src, tgt))), a.numBoxes) as tf.Scalar;
    const giou = pairedGeneralizedBoxIou(boxCxcywhToXyxy(src) as tf.Tensor2D, boxCxcywhToXyxy(tgt) as tf.Tensor2D);
    const lossGiou = tf.div(tf.sum(tf.sub(1, giou)), a.numBoxes) as tf.Scalar;
    return { loss_bbox: lossBbox, loss_giou: lossGiou };
  }

  private lossCardinality(out: LayerOutputs, a: Assignment): Record<string, tf.Scalar> {
    const K = this.o.numClasses + 1;
    const nonEmpty = tf.sum(tf.cast(tf.notEqual(tf.argMax(out.pred_logits, 2), K - 1), 'float32'), 1); // [B]
    const err = tf.mean(tf.abs(tf.sub(nonEmpty, tf.tensor1d(a.lengths)))) as tf.Scalar;
    return { cardinality_error: err };
  }

  /** Losses of one layer (suffix '' for the final one, '_i' for aux layer i). */
  layerLosses(out: LayerOutputs, targets: Target[], indices: Indices, numBoxes: number, suffix: string): LossDict {
    const a = assignmentOf(out, targets, indices, numBoxes);
    const res: LossDict = {};
    for (const name of this.o.losses) {
      for (const [k, v] of Object.entries(this.lossMap[name](out, a, suffix === ''))) res[k + suffix] = v;
    }
    return res;
  }

  /**
   * All losses for the batch given every layer's indices ([final, aux_0, aux_1, ...]).
   * Synchronous: safe inside tf.tidy or a gradient tape.
   */
  losses(outputs: LayerOutputs & { aux_outputs: LayerOutputs[] }, targets: Target[], indices: Indices[]): { losses: LossDict; total: tf.Scalar } {
    const numBoxes = Math.max(concatTargets(targets).labels.length, 1);
    const losses: LossDict = { ...this.layerLosses(outputs, targets, indices[0], numBoxes, '') };
    outputs.aux_outputs.forEach((aux, i) => Object.assign(losses, this.layerLosses(aux, targets, indices[i + 1], numBoxes, `_${i}`)));
    const weighted = Object.entries(losses)
      .filter(([k]) => k in this.o.weightDict)
      .map(([k, v]) => tf.mul(v, this.o.weightDict[k]));
    const total = (weighted.length ? tf.addN(weighted) : tf.scalar(0)) as tf.Scalar;
    return { losses, total };
  }

  /** Matches the final and every auxiliary layer (one readback). */
  match(outputs: LayerOutputs & { aux_outputs: LayerOutputs[] }, targets: Target[]): Promise<{ indices: Indices[]; costs: Float32Array[] }> {
    return this.matcher.matchLayers([outputs, ...outputs.aux_outputs], targets);
  }
}
