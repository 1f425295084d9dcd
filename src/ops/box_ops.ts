/**
 * DETR's util/box_ops.py on tfjs tensors. Boxes are [..., 4]: (cx, cy, w, h) or (x0, y0, x1, y1).
 */
import * as tf from '@tensorflow/tfjs-core';

/** [..., 4] cxcywh -> xyxy: (cx - w/2, cy - h/2, cx + w/2, cy + h/2). */
export function boxCxcywhToXyxy(b: tf.Tensor): tf.Tensor {
  const [cx, cy, w, h] = tf.unstack(b, b.rank - 1);
  const hw = tf.mul(w, 0.5);
  const hh = tf.mul(h, 0.5);
  return tf.stack([tf.sub(cx, hw), tf.sub(cy, hh), tf.add(cx, hw), tf.add(cy, hh)], b.rank - 1);
}

function area(b: tf.Tensor[]): tf.Tensor {
  const [x0, y0, x1, y1] = b;
  return tf.mul(tf.sub(x1, x0), tf.sub(y1, y0));
}

/**
 * Pairwise generalized IoU of xyxy boxes a [N, 4] and b [M, 4] -> [N, M]
 * (box_ops.generalized_box_iou: iou - (enclosing - union) / enclosing).
 */
export function generalizedBoxIou(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const A = tf.unstack(a, 1).map((t) => tf.reshape(t, [-1, 1])); // 4 x [N, 1]
  const B = tf.unstack(b, 1).map((t) => tf.reshape(t, [1, -1])); // 4 x [1, M]
  return giouFromCoords(A, B) as tf.Tensor2D;
}

/** Elementwise generalized IoU of matched pairs a [N, 4], b [N, 4] -> [N] (the diagonal of the pairwise one). */
export function pairedGeneralizedBoxIou(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return giouFromCoords(tf.unstack(a, 1), tf.unstack(b, 1)) as tf.Tensor1D;
}

function giouFromCoords(A: tf.Tensor[], B: tf.Tensor[]): tf.Tensor {
  const areaA = area(A);
  const areaB = area(B);
  const zero = tf.scalar(0);
  // intersection
  const iw = tf.maximum(tf.sub(tf.minimum(A[2], B[2]), tf.maximum(A[0], B[0])), zero);
  const ih = tf.maximum(tf.sub(tf.minimum(A[3], B[3]), tf.maximum(A[1], B[1])), zero);
  const inter = tf.mul(iw, ih);
  const union = tf.sub(tf.add(areaA, areaB), inter);
  const iou = tf.div(inter, union);
  // smallest enclosing box
  const ew = tf.maximum(tf.sub(tf.maximum(A[2], B[2]), tf.minimum(A[0], B[0])), zero);
  const eh = tf.maximum(tf.sub(tf.maximum(A[3], B[3]), tf.minimum(A[1], B[1])), zero);
  const enclosing = tf.mul(ew, eh);
  return tf.sub(iou, tf.div(tf.sub(enclosing, union), enclosing));
}
