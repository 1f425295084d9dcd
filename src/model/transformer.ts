/**
 * DETR's Transformer (models/transformer.py): encoder and decoder layers, post-norm by default,
 * pre-norm with `pre_norm`. Batch-first [B, N, D] (PyTorch is sequence-first; the numbers are the
 * same). Position embeddings are added to queries and keys, never to values; the decoder target starts
 * at zeros and query_pos is added at every layer; key padding masks apply to encoder self-attention and
 * decoder cross-attention only. The decoder returns every layer's output through the shared final
 * `decoder.norm` (return_intermediate=True), and `encoder.norm` exists only with pre_norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, ModuleList, assignAndDispose, type ForwardContext } from './module';
import { LayerNorm, Linear, dropout } from './layers';
import { MultiheadAttention } from './multihead_attention';
import { xavierUniform, type Rng } from './init';

export interface TransformerOptions {
  dModel: number;
  nhead: number;
  numEncoderLayers: number;
  numDecoderLayers: number;
  dimFeedforward: number;
  dropout: number;
  normalizeBefore: boolean;
}

const addPos = (x: tf.Tensor, pos?: tf.Tensor) => (pos ? tf.add(x, pos) : x);

class FeedForward extends Module {
  constructor(readonly linear1: Linear, readonly linear2: Linear, readonly rate: number) {
    super();
  }
  call(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.linear2.call(dropout(tf.relu(this.linear1.call(x)), this.rate, ctx));
  }
}

export class TransformerEncoderLayer extends Module {
  private readonly selfAttn: MultiheadAttention;
  private readonly ffn: FeedForward;
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;

  constructor(private readonly o: TransformerOptions, rng: Rng) {
    super();
    this.selfAttn = this.child('self_attn', new MultiheadAttention(o.dModel, o.nhead, o.dropout, rng));
    const linear1 = this.child('linear1', new Linear(o.dModel, o.dimFeedforward, rng));
    const linear2 = this.child('linear2', new Linear(o.dimFeedforward, o.dModel, rng));
    this.ffn = new FeedForward(linear1, linear2, o.dropout);
    this.norm1 = this.child('norm1', new LayerNorm(o.dModel));
    this.norm2 = this.child('norm2', new LayerNorm(o.dModel));
  }

  /** src [B, HW, D], keyBias [B, 1, HW], pos [B, HW, D] -> [B, HW, D] */
  call(src: tf.Tensor, keyBias: tf.Tensor3D, pos: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const r = this.o.dropout;
    if (this.o.normalizeBefore) {
      let s2 = this.norm1.call(src);
      const qk = addPos(s2, pos);
      src = tf.add(src, dropout(this.selfAttn.call(qk, qk, s2, keyBias, ctx), r, ctx));
      s2 = this.norm2.call(src);
      return tf.add(src, dropout(this.ffn.call(s2, ctx), r, ctx));
    }
    const qk = addPos(src, pos);
    src = this.norm1.call(tf.add(src, dropout(this.selfAttn.call(qk, qk, src, keyBias, ctx), r, ctx)));
    return this.norm2.call(tf.add(src, dropout(this.ffn.call(src, ctx), r, ctx)));
  }
}

export class TransformerDecoderLayer extends Module {
  private readonly selfAttn: MultiheadAttention;
  private readonly crossAttn: MultiheadAttention;
  private readonly ffn: FeedForward;
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  private readonly norm3: LayerNorm;

  constructor(private readonly o: TransformerOptions, rng: Rng) {
    super();
    this.selfAttn = this.child('self_attn', new MultiheadAttention(o.dModel, o.nhead, o.dropout, rng));
    this.crossAttn = this.child('multihead_attn', new MultiheadAttention(o.dModel, o.nhead, o.dropout, rng));
    const linear1 = this.child('linear1', new Linear(o.dModel, o.dimFeedforward, rng));
    const linear2 = this.child('linear2', new Linear(o.dimFeedforward, o.dModel, rng));
    this.ffn = new FeedForward(linear1, linear2, o.dropout);
    this.norm1 = this.child('norm1', new LayerNorm(o.dModel));
    this.norm2 = this.child('norm2', new LayerNorm(o.dModel));
    this.norm3 = this.child('norm3', new LayerNorm(o.dModel));
  }

  /** tgt [B, Q, D], memory [B, HW, D], memoryBias [B, 1, HW], pos [B, HW, D], queryPos [B, Q, D] -> [B, Q, D] */
  call(tgt: tf.Tensor, memory: tf.Tensor, memoryBias: tf.Tensor3D, pos: tf.Tensor, queryPos: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const r = this.o.dropout;
    const memKey = addPos(memory, pos);
    if (this.o.normalizeBefore) {
      let t2 = this.norm1.call(tgt);
      const qk = addPos(t2, queryPos);
      tgt = tf.add(tgt, dropout(this.selfAttn.call(qk, qk, t2, undefined, ctx), r, ctx));
      t2 = this.norm2.call(tgt);
      tgt = tf.add(tgt, dropout(this.crossAttn.call(addPos(t2, queryPos), memKey, memory, memoryBias, ctx), r, ctx));
      t2 = this.norm3.call(tgt);
      return tf.add(tgt, dropout(this.ffn.call(t2, ctx), r, ctx));
    }
    const qk = addPos(tgt, queryPos);
    tgt = this.norm1.call(tf.add(tgt, dropout(this.selfAttn.call(qk, qk, tgt, undefined, ctx), r, ctx)));
    tgt = this.norm2.call(tf.add(tgt, dropout(this.crossAttn.call(addPos(tgt, queryPos), memKey, memory, memoryBias, ctx), r, ctx)));
    return this.norm3.call(tf.add(tgt, dropout(this.ffn.call(tgt, ctx), r, ctx)));
  }
}

class TransformerEncoder extends Module {
  readonly layers = this.child('layers', new ModuleList<TransformerEncoderLayer>());
  readonly norm?: LayerNorm;
  constructor(o: TransformerOptions, rng: Rng) {
    super();
    for (let i = 0; i < o.numEncoderLayers; i++) this.layers.push(new TransformerEncoderLayer(o, rng));
    if (o.normalizeBefore) this.norm = this.child('norm', new LayerNorm(o.dModel));
  }
}

class TransformerDecoder extends Module {
  readonly layers = this.child('layers', new ModuleList<TransformerDecoderLayer>());
  readonly norm: LayerNorm;
  constructor(o: TransformerOptions, rng: Rng) {
    super();
    for (let i = 0; i < o.numDecoderLayers; i++) this.layers.push(new TransformerDecoderLayer(o, rng));
    this.norm = this.child('norm', new LayerNorm(o.dModel));
  }
}

export class Transformer extends Module {
  private readonly encoder: TransformerEncoder;
  private readonly decoder: TransformerDecoder;

  constructor(readonly o: TransformerOptions, rng: Rng) {
    super();
    this.encoder = this.child('encoder', new TransformerEncoder(o, rng));
    this.decoder = this.child('decoder', new TransformerDecoder(o, rng));
    // Transformer._reset_parameters: xavier_uniform_ on every parameter with more than one dimension.
    for (const e of this.entries()) {
      if (e.kind === 'param' && e.variable.rank === 2) {
        const [a, b] = e.variable.shape as [number, number];
        assignAndDispose(e.variable, xavierUniform(rng, [a, b]));
      }
    }
  }

  /**
   * src [B, HW, D] (input_proj output, flattened row-major), keyBias [B, 1, HW], pos [B, HW, D],
   * queryEmbed [Q, D]. Returns hs [L, B, Q, D] (every decoder layer through decoder.norm) and memory [B, HW, D].
   */
  call(src: tf.Tensor, keyBias: tf.Tensor3D, pos: tf.Tensor, queryEmbed: tf.Tensor, ctx: ForwardContext): { hs: tf.Tensor; memory: tf.Tensor } {
    const [B] = src.shape;
    const [Q, D] = queryEmbed.shape;
    let memory = src;
    this.encoder.layers.items.forEach((layer, i) => {
      memory = layer.call(memory, keyBias, pos, ctx);
      ctx.capture?.(`encoder.layers.${i}`, memory);
    });
    if (this.encoder.norm) memory = this.encoder.norm.call(memory);
    ctx.capture?.('memory', memory);
    const queryPos = tf.broadcastTo(tf.reshape(queryEmbed, [1, Q, D]), [B, Q, D]);
    let tgt: tf.Tensor = tf.zeros([B, Q, D]);
    const intermediate: tf.Tensor[] = [];
    this.decoder.layers.items.forEach((layer, i) => {
      tgt = layer.call(tgt, memory, keyBias, pos, queryPos, ctx);
      ctx.capture?.(`decoder.layers.${i}`, tgt);
      intermediate.push(this.decoder.norm.call(tgt));
    });
    const hs = tf.stack(intermediate); // [L, B, Q, D]
    ctx.capture?.('hs', hs);
    return { hs, memory };
  }
}
