/**
 * torch.nn layers DETR uses, with PyTorch's parameter names and layouts: Linear keeps weight as
 * [out, in] (no transpose on load), Conv2d stores HWIO (tfjs's layout; state_dict.ts converts OIHW),
 * LayerNorm (eps 1e-5), Embedding, and dropout driven by the forward context.
 * Default initialisations follow PyTorch (kaiming_uniform(a=sqrt(5)) for Linear/Conv weights,
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for their biases, N(0, 1) for Embedding).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext } from './module';
import { conv2d } from '../ops/conv';
import type { Rng } from './init';
import { uniform, normal } from './init';

export class Linear extends Module {
  readonly weight: tf.Variable; // [out, in]
  readonly bias: tf.Variable; // [out]

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.param('weight', uniform(rng, [outFeatures, inFeatures], bound));
    this.bias = this.param('bias', uniform(rng, [outFeatures], bound));
  }

  /** x [..., in] -> [..., out]. Reshaped to 2-D first: tfjs's gradient of batched x 2-D matMul fails. */
  call(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, this.inFeatures]);
    const y = tf.add(tf.matMul(x2, this.weight, false, true), this.bias);
    return tf.reshape(y, [...lead, this.outFeatures]);
  }
}

export class Conv2d extends Module {
  readonly weight: tf.Variable; // [kh, kw, in, out] (HWIO)
  readonly bias?: tf.Variable;

  constructor(
    inChannels: number,
    outChannels: number,
    readonly kernel: number,
    rng: Rng,
    readonly opts: { stride?: number; padding?: number; dilation?: number; bias?: boolean } = {},
  ) {
    super();
    const fanIn = inChannels * kernel * kernel;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.param('weight', uniform(rng, [kernel, kernel, inChannels, outChannels], bound));
    if (opts.bias) this.bias = this.param('bias', uniform(rng, [outChannels], bound));
  }

  /** x [B, H, W, in] -> [B, H', W', out]. */
  call(x: tf.Tensor4D): tf.Tensor4D {
    const y = conv2d(x, this.weight as tf.Tensor4D, this.opts);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly dim: number, readonly eps = 1e-5) {
    super();
    this.weight = this.param('weight', tf.ones([dim]));
    this.bias = this.param('bias', tf.zeros([dim]));
  }

  /** Normalises over the last axis with the biased variance, as torch.nn.LayerNorm. */
  call(x: tf.Tensor): tf.Tensor {
    const axis = x.rank - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(xhat, this.weight), this.bias);
  }
}

export class Embedding extends Module {
  readonly weight: tf.Variable; // [num, dim]

  constructor(num: number, dim: number, rng: Rng, init: 'normal' | 'uniform01' = 'normal') {
    super();
    this.weight = this.param('weight', init === 'normal' ? normal(rng, [num, dim]) : uniform(rng, [num, dim], 0.5, 0.5));
  }
}

/** F.dropout: identity in eval mode or at rate 0; otherwise seeded, scaled by 1/(1-rate). */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate === 0) return x;
  if (!ctx.nextSeed) throw new Error('dropout in training mode needs a seeded forward context');
  return tf.dropout(x, rate, undefined, ctx.nextSeed());
}
