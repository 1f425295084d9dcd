/**
 * HungarianMatcher (models/matcher.py): for every image, the one-to-one assignment of queries to
 * targets minimising  C = cost_bbox * L1(cxcywh) - cost_class * softmax prob of the target class
 * (over all C+1 classes) - cost_giou * GIoU(xyxy),  solved exactly on the CPU.
 *
 * The cost matrices of every decoder layer being matched (the final one and each auxiliary one) are
 * computed on the device, concatenated, and read back in ONE readback, the only device->host transfer
 * besides the logged scalars.
 */
import * as tf from '@tensorflow/tfjs-core';
import { linearSumAssignment } from '../math/linear_sum_assignment';
import { boxCxcywhToXyxy, generalizedBoxIou } from '../ops/box_ops';
import { noGrad } from '../ops/async_grads';
import type { Target } from '../data/types';

/** Per image: matched query indices (ascending) and the target index each one gets. */
export type Indices = { src: Int32Array; tgt: Int32Array }[];

export interface LayerOutputs {
  pred_logits: tf.Tensor3D; // [B, Q, C+1]
  pred_boxes: tf.Tensor3D; // [B, Q, 4]
}

export interface MatcherCosts {
  costClass: number;
  costBbox: number;
  costGiou: number;
}

/** The batch's targets concatenated in image order, as DETR's matcher concatenates them. */
export function concatTargets(targets: Target[]): { labels: Int32Array; boxes: Float32Array; sizes: number[] } {
  const sizes = targets.map((t) => t.labels.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const labels = new Int32Array(total);
  const boxes = new Float32Array(total * 4);
  let o = 0;
  for (const t of targets) {
    labels.set(t.labels, o);
    boxes.set(t.boxes, o * 4);
    o += t.labels.length;
  }
  return { labels, boxes, sizes };
}

/** The cost matrix read back holds NaN/inf: the model's outputs are not finite (training diverged). */
export class NonFiniteCostError extends Error {
  constructor(readonly layer: number) {
    super(`the matcher's cost matrix is not finite (decoder output ${layer === 0 ? 'final' : `aux ${layer - 1}`}): the model's outputs contain NaN or infinity`);
    this.name = 'NonFiniteCostError';
  }
}

export class HungarianMatcher {
  constructor(readonly costs: MatcherCosts) {
    if (costs.costClass === 0 && costs.costBbox === 0 && costs.costGiou === 0) throw new Error("all costs can't be 0");
  }

  /** C [B*Q, T] for one layer against all T targets of the batch (no gradient needed). */
  costMatrix(out: LayerOutputs, tgtLabels: tf.Tensor1D, tgtBoxes: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, Q, K] = out.pred_logits.shape;
      const prob = tf.softmax(tf.reshape(out.pred_logits, [B * Q, K])); // [BQ, C+1]
      const boxes = tf.reshape(out.pred_boxes, [B * Q, 4]);
      const costClass = tf.neg(tf.gather(prob, tgtLabels, 1)); // [BQ, T]
      // cdist(p=1): sum_k |a_k - b_k|
      const costBbox = tf.sum(tf.abs(tf.sub(tf.expandDims(boxes, 1), tf.expandDims(tgtBoxes, 0))), 2); // [BQ, T]
      const costGiou = tf.neg(generalizedBoxIou(boxCxcywhToXyxy(boxes) as tf.Tensor2D, boxCxcywhToXyxy(tgtBoxes) as tf.Tensor2D));
      const { costBbox: wb, costClass: wc, costGiou: wg } = this.costs;
      return tf.add(tf.add(tf.mul(costBbox, wb), tf.mul(costClass, wc)), tf.mul(costGiou, wg)) as tf.Tensor2D;
    });
  }

  /** Splits a host copy of C [B*Q, T] per image and solves each block. */
  static solve(cost: Float32Array, batch: number, queries: number, sizes: number[]): Indices {
    const T = sizes.reduce((a, b) => a + b, 0);
    const out: Indices = [];
    let col0 = 0;
    for (let b = 0; b < batch; b++) {
      const n = sizes[b];
      const block = new Float64Array(queries * n);
      for (let q = 0; q < queries; q++) for (let j = 0; j < n; j++) block[q * n + j] = cost[(b * queries + q) * T + col0 + j];
      const { rows, cols } = linearSumAssignment(block, queries, n);
      out.push({ src: rows, tgt: cols });
      col0 += n;
    }
    return out;
  }

  /**
   * Matches several layers at once: one device concat, one readback. Returns the indices per layer
   * (same order as `layers`) and, for inspection, the host cost matrices [layer][B*Q*T].
   */
  async matchLayers(layers: LayerOutputs[], targets: Target[]): Promise<{ indices: Indices[]; costs: Float32Array[] }> {
    const { labels, boxes, sizes } = concatTargets(targets);
    const T = labels.length;
    const [B, Q] = layers[0].pred_logits.shape;
    if (T === 0) {
      const empty = () => Array.from({ length: B }, () => ({ src: new Int32Array(0), tgt: new Int32Array(0) }));
      return { indices: layers.map(empty), costs: layers.map(() => new Float32Array(0)) };
    }
    // The costs need no gradient: keep them off the training tape.
    const all = noGrad(() => tf.tidy(() => {
      const l = tf.tensor1d(labels, 'int32');
      const bx = tf.tensor2d(boxes, [T, 4]);
      return tf.concat(layers.map((o) => this.costMatrix(o, l, bx)), 0); // [layers * BQ, T]
    }));
    const host = (await all.data()) as Float32Array; // GPU->CPU sync point: the Hungarian algorithm runs on the CPU
    all.dispose();
    const per = B * Q * T;
    const costs = layers.map((_, i) => host.subarray(i * per, (i + 1) * per));
    costs.forEach((c, i) => {
      for (let k = 0; k < c.length; k++) if (!Number.isFinite(c[k])) throw new NonFiniteCostError(i);
    });
    return { indices: costs.map((c) => HungarianMatcher.solve(c, B, Q, sizes)), costs };
  }
}
