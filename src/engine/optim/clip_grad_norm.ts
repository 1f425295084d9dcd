/**
 * torch.nn.utils.clip_grad_norm_ (torch 1.13, norm_type 2) on the device:
 *
 *   total_norm = || [ ||g_1||, ||g_2||, ... ] ||        (the L2 norm of every gradient together)
 *   coef       = min(max_norm / (total_norm + 1e-6), 1)
 *   g_i       *= coef
 *
 * No readback: the norm stays a device scalar that the trainer packs with the other logged scalars.
 * max_norm <= 0 disables clipping (DETR: `if max_norm > 0: clip_grad_norm_`), the norm is still given.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ClipResult {
  /** The gradients after clipping (new tensors; the caller disposes them and the inputs). */
  grads: tf.Tensor[];
  /** Total L2 norm before clipping: a device scalar. */
  totalNorm: tf.Scalar;
}

/**
 * sum(g^2) as two reductions (over the last axis, then the rest), so float32 accumulates over short
 * runs; square rather than tf.norm, whose pow is slow on wasm.
 */
function sumOfSquares(g: tf.Tensor): tf.Scalar {
  const sq = tf.square(g);
  return (g.rank > 1 ? tf.sum(tf.sum(sq, -1)) : tf.sum(sq)) as tf.Scalar;
}

export function clipGradNorm(grads: readonly tf.Tensor[], maxNorm: number): ClipResult {
  return tf.tidy(() => {
    // ||[||g_1||, ||g_2||, ...]|| = sqrt(sum_i sum(g_i^2))
    const totalNorm = (grads.length ? tf.sqrt(tf.sum(tf.stack(grads.map(sumOfSquares)))) : tf.scalar(0)) as tf.Scalar;
    if (!(maxNorm > 0)) return { grads: grads.map((g) => tf.clone(g)), totalNorm };
    const coef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
    return { grads: grads.map((g) => tf.mul(g, coef)), totalNorm };
  });
}
