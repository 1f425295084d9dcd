/**
 * torch.nn.MultiheadAttention as DETR uses it (batch-first here: [B, N, E]; PyTorch is
 * sequence-first, which changes no number). Parameters: in_proj_weight [3E, E] (q; k; v rows),
 * in_proj_bias [3E], out_proj (Linear E -> E). Heads are contiguous E/nheads chunks; q is divided by
 * sqrt(head_dim) after its bias; padded keys get an additive -1e9 (exactly 0 after softmax, as -inf).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, assignAndDispose, type ForwardContext } from './module';
import { Linear, dropout } from './layers';
import { xavierUniform, type Rng } from './init';

export class MultiheadAttention extends Module {
  readonly inProjWeight: tf.Variable; // [3E, E]
  readonly inProjBias: tf.Variable; // [3E]
  readonly outProj: Linear;
  readonly headDim: number;

  constructor(readonly embedDim: number, readonly numHeads: number, readonly dropoutRate: number, rng: Rng) {
    super();
    this.headDim = embedDim / numHeads;
    this.inProjWeight = this.param('in_proj_weight', xavierUniform(rng, [3 * embedDim, embedDim]));
    this.inProjBias = this.param('in_proj_bias', tf.zeros([3 * embedDim]));
    this.outProj = this.child('out_proj', new Linear(embedDim, embedDim, rng));
    assignAndDispose(this.outProj.bias, tf.zeros([embedDim]));
  }

  /** x [B, N, E] -> x W[rows]^T + b[rows] as [B, N, E] (2-D matmul for the gradient's sake). */
  private project(x: tf.Tensor, part: 0 | 1 | 2): tf.Tensor {
    const E = this.embedDim;
    const [B, N] = x.shape;
    const w = tf.slice(this.inProjWeight, [part * E, 0], [E, E]);
    const b = tf.slice(this.inProjBias, [part * E], [E]);
    const y = tf.add(tf.matMul(tf.reshape(x, [B * N, E]), w, false, true), b);
    return tf.reshape(y, [B, N, E]);
  }

  /** [B, N, E] -> [B * H, N, hd] */
  private splitHeads(x: tf.Tensor): tf.Tensor3D {
    const [B, N] = x.shape;
    const t = tf.transpose(tf.reshape(x, [B, N, this.numHeads, this.headDim]), [0, 2, 1, 3]);
    return tf.reshape(t, [B * this.numHeads, N, this.headDim]);
  }

  /**
   * query [B, Nq, E], key [B, Nk, E], value [B, Nk, E]; keyBias [B, 1, Nk] (0 or -1e9) or undefined.
   * Returns [B, Nq, E].
   */
  call(query: tf.Tensor, key: tf.Tensor, value: tf.Tensor, keyBias: tf.Tensor3D | undefined, ctx: ForwardContext): tf.Tensor {
    const [B, Nq, E] = query.shape as [number, number, number];
    const Nk = key.shape[1] as number;
    const H = this.numHeads;
    const q = tf.div(this.splitHeads(this.project(query, 0)), Math.sqrt(this.headDim)); // [B*H, Nq, hd]
    const k = this.splitHeads(this.project(key, 1)); // [B*H, Nk, hd]
    const v = this.splitHeads(this.project(value, 2)); // [B*H, Nk, hd]
    let scores = tf.matMul(q, k, false, true); // [B*H, Nq, Nk]
    if (keyBias) {
      const s4 = tf.add(tf.reshape(scores, [B, H, Nq, Nk]), tf.reshape(keyBias, [B, 1, 1, Nk]));
      scores = tf.reshape(s4, [B * H, Nq, Nk]);
    }
    const attn = dropout(tf.softmax(scores, -1), this.dropoutRate, ctx);
    const out = tf.matMul(attn, v); // [B*H, Nq, hd]
    const merged = tf.reshape(tf.transpose(tf.reshape(out, [B, H, Nq, this.headDim]), [0, 2, 1, 3]), [B, Nq, E]);
    return this.outProj.call(merged);
  }
}
