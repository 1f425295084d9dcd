/**
 * FrozenBatchNorm2d (DETR models/backbone.py): BatchNorm2d with fixed statistics and affine
 * parameters, all four buffers (no num_batches_tracked):
 *   y = x * scale + (bias - running_mean * scale),  scale = weight * rsqrt(running_var + 1e-5)
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module';

export class FrozenBatchNorm2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(channels: number) {
    super();
    this.weight = this.buffer('weight', tf.ones([channels]));
    this.bias = this.buffer('bias', tf.zeros([channels]));
    this.runningMean = this.buffer('running_mean', tf.zeros([channels]));
    this.runningVar = this.buffer('running_var', tf.ones([channels]));
  }

  /** x [B, H, W, C] (channels last). */
  call(x: tf.Tensor4D): tf.Tensor4D {
    const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, 1e-5)));
    const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }
}
