/**
 * PostProcess (models/detr.py): DETR outputs -> per-image scores, labels and absolute xyxy boxes.
 * softmax over C+1 classes; score and label = max over the first C (no renormalisation, so ids that
 * are not categories may win); boxes cxcywh -> xyxy scaled by (w, h, w, h) of each image's original
 * size, not clipped. Every query is reported.
 */
import * as tf from '@tensorflow/tfjs-core';
import { boxCxcywhToXyxy } from '../ops/box_ops';

export interface ImageDetections {
  scores: Float32Array; // [Q]
  labels: Int32Array; // [Q]
  boxes: Float32Array; // [Q * 4] x0, y0, x1, y1 in pixels of the original image
}

/**
 * logits [B, Q, C+1], boxes [B, Q, 4]; targetSizes [B] of [h, w]. One readback for all images.
 */
export async function postProcess(logits: tf.Tensor3D, boxes: tf.Tensor3D, targetSizes: [number, number][]): Promise<ImageDetections[]> {
  const [B, Q, K] = logits.shape;
  const packed = tf.tidy(() => {
    const prob = tf.slice(tf.softmax(logits, -1), [0, 0, 0], [B, Q, K - 1]); // [B, Q, C]
    const scores = tf.max(prob, -1); // [B, Q]
    const labels = tf.cast(tf.argMax(prob, -1), 'float32'); // [B, Q]
    const scale = tf.tensor3d(targetSizes.flatMap(([h, w]) => [w, h, w, h]), [B, 1, 4]);
    const xyxy = tf.mul(boxCxcywhToXyxy(boxes), scale); // [B, Q, 4]
    return tf.concat([tf.expandDims(scores, 2), tf.expandDims(labels, 2), xyxy], 2); // [B, Q, 6]
  });
  const host = (await packed.data()) as Float32Array; // GPU->CPU sync point: detections for the caller
  packed.dispose();
  return Array.from({ length: B }, (_, b) => {
    const det: ImageDetections = { scores: new Float32Array(Q), labels: new Int32Array(Q), boxes: new Float32Array(Q * 4) };
    for (let q = 0; q < Q; q++) {
      const o = (b * Q + q) * 6;
      det.scores[q] = host[o];
      det.labels[q] = host[o + 1];
      det.boxes.set(host.subarray(o + 2, o + 6), q * 4);
    }
    return det;
  });
}
