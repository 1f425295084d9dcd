/**
 * DETR's positional encodings (models/position_encoding.py), channels last.
 *
 * Sine (normalize=True, scale 2*pi, temperature 10000, num_pos_feats = hidden_dim / 2): y/x are
 * cumulative sums of the not-mask (1-based), divided by the last row/column value + 1e-6 and scaled;
 * channels interleave sin/cos and are cat(pos_y, pos_x). It depends only on the mask, which is known on
 * the CPU, so it is computed there in float32 (rounding each step as PyTorch's float32 ops do) and uploaded.
 *
 * Learned: row_embed / col_embed = Embedding(50, hidden_dim / 2), uniform[0,1) init,
 * output cat(col(x), row(y)) (x first), independent of the mask; more than 50 rows/cols is an error.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module';
import { Embedding } from './layers';
import type { Rng } from './init';
import type { HostMask } from '../ops/nested_tensor';

export interface PositionEmbedding extends Module {
  /** mask [B, h, w] (feature level) -> pos [B, h, w, D]. */
  call(mask: HostMask): tf.Tensor4D;
}

export class PositionEmbeddingSine extends Module implements PositionEmbedding {
  constructor(
    readonly numPosFeats: number,
    readonly temperature = 10000,
    readonly scale = 2 * Math.PI,
  ) {
    super();
  }

  /** The [B, h, w, 2F] embedding as float32 on the CPU. */
  compute(mask: HostMask): Float32Array {
    const { batch: B, height: H, width: W } = mask;
    const F = this.numPosFeats;
    const f = Math.fround;
    const eps = f(1e-6);
    const scale = f(this.scale);
    const dimT = new Float32Array(F);
    for (let i = 0; i < F; i++) dimT[i] = f(Math.pow(this.temperature, f(f(2 * Math.floor(i / 2)) / F)));
    const out = new Float32Array(B * H * W * 2 * F);
    const yEmbed = new Float32Array(H * W);
    const xEmbed = new Float32Array(H * W);
    for (let b = 0; b < B; b++) {
      const m = mask.data.subarray(b * H * W, (b + 1) * H * W);
      // cumsum of not_mask along rows (y) and columns (x), in float32
      for (let j = 0; j < W; j++) {
        let acc = 0;
        for (let i = 0; i < H; i++) yEmbed[i * W + j] = acc += m[i * W + j] ? 0 : 1;
      }
      for (let i = 0; i < H; i++) {
        let acc = 0;
        for (let j = 0; j < W; j++) xEmbed[i * W + j] = acc += m[i * W + j] ? 0 : 1;
      }
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const y = f(f(yEmbed[i * W + j] / f(yEmbed[(H - 1) * W + j] + eps)) * scale);
          const x = f(f(xEmbed[i * W + j] / f(xEmbed[i * W + W - 1] + eps)) * scale);
          const base = ((b * H + i) * W + j) * 2 * F;
          for (let k = 0; k < F; k++) {
            const py = f(y / dimT[k]);
            const px = f(x / dimT[k]);
            out[base + k] = k % 2 === 0 ? Math.sin(py) : Math.cos(py);
            out[base + F + k] = k % 2 === 0 ? Math.sin(px) : Math.cos(px);
          }
        }
      }
    }
    return out;
  }

  call(mask: HostMask): tf.Tensor4D {
    return tf.tensor4d(this.compute(mask), [mask.batch, mask.height, mask.width, 2 * this.numPosFeats], 'float32');
  }
}

export class PositionEmbeddingLearned extends Module implements PositionEmbedding {
  static readonly MAX = 50;
  readonly rowEmbed: Embedding;
  readonly colEmbed: Embedding;

  constructor(readonly numPosFeats: number, rng: Rng) {
    super();
    this.rowEmbed = this.child('row_embed', new Embedding(PositionEmbeddingLearned.MAX, numPosFeats, rng, 'uniform01'));
    this.colEmbed = this.child('col_embed', new Embedding(PositionEmbeddingLearned.MAX, numPosFeats, rng, 'uniform01'));
  }

  call(mask: HostMask): tf.Tensor4D {
    const { batch: B, height: h, width: w } = mask;
    const max = PositionEmbeddingLearned.MAX;
    if (h > max || w > max) {
      throw new Error(
        `the learned position embedding covers at most ${max}x${max} feature cells, but this batch's feature map is ${h}x${w}; use smaller images (max_size) or position_embedding "sine"`,
      );
    }
    const F = this.numPosFeats;
    // Slices rather than gathers: arange(w) picks the first w rows (and slice has a gradient on every backend).
    const x = tf.slice(this.colEmbed.weight, [0, 0], [w, F]); // [w, F]
    const y = tf.slice(this.rowEmbed.weight, [0, 0], [h, F]); // [h, F]
    const xs = tf.broadcastTo(tf.reshape(x, [1, w, F]), [h, w, F]);
    const ys = tf.broadcastTo(tf.reshape(y, [h, 1, F]), [h, w, F]);
    const pos = tf.concat([xs, ys], 2); // [h, w, 2F], x first
    return tf.broadcastTo(tf.reshape(pos, [1, h, w, 2 * F]), [B, h, w, 2 * F]);
  }
}
