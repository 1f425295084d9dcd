/**
 * DETR (models/detr.py): backbone -> input_proj (1x1 conv) -> transformer -> class_embed
 * (num_classes + 1 logits, the last one "no object") and bbox_embed (3-layer MLP + sigmoid) on every
 * decoder layer's output. State-dict names and order are the official ones: transformer.*,
 * class_embed.*, bbox_embed.layers.{0,1,2}.*, query_embed.weight, input_proj.*, backbone.0.body.*,
 * backbone.1.* (learned position embedding only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, ModuleList, type ForwardContext } from './module';
import { Conv2d, Embedding, Linear } from './layers';
import { Backbone } from './backbone';
import type { PositionEmbedding } from './position_encoding';
import { Transformer } from './transformer';
import type { Rng } from './init';
import type { Batch } from '../data/types';
import { batchPixels, hostMask, interpolateMask, keyPaddingBias } from '../ops/nested_tensor';

/** DETR's MLP: Linear layers with ReLU between them (not after the last). */
export class MLP extends Module {
  readonly layers = this.child('layers', new ModuleList<Linear>());
  constructor(inputDim: number, hiddenDim: number, outputDim: number, numLayers: number, rng: Rng) {
    super();
    const dims = [inputDim, ...Array(numLayers - 1).fill(hiddenDim), outputDim];
    for (let i = 0; i < numLayers; i++) this.layers.push(new Linear(dims[i], dims[i + 1], rng));
  }
  call(x: tf.Tensor): tf.Tensor {
    const n = this.layers.items.length;
    return this.layers.items.reduce((h, l, i) => (i < n - 1 ? tf.relu(l.call(h)) : l.call(h)), x);
  }
}

/** `backbone` of DETR: Joiner(backbone, position_embedding) = `backbone.0` and `backbone.1`. */
export class Joiner extends Module {
  constructor(readonly body: Backbone, readonly position: PositionEmbedding) {
    super();
    this.child(0, body);
    this.child(1, position);
  }
}

// A type alias (not an interface) so that it is a tf.TensorContainer and can leave a tf.tidy.
export type DetrOutputs = {
  pred_logits: tf.Tensor3D; // [B, Q, C+1]
  pred_boxes: tf.Tensor3D; // [B, Q, 4] normalised cxcywh
  aux_outputs: { pred_logits: tf.Tensor3D; pred_boxes: tf.Tensor3D }[]; // decoder layers 0..L-2
};

export interface DetrOptions {
  numClasses: number;
  numQueries: number;
  hiddenDim: number;
  auxLoss: boolean;
}

export class DETR extends Module {
  readonly transformer: Transformer;
  readonly classEmbed: Linear;
  readonly bboxEmbed: MLP;
  readonly queryEmbed: Embedding;
  readonly inputProj: Conv2d;
  readonly backbone: Joiner;

  constructor(backbone: Joiner, transformer: Transformer, readonly o: DetrOptions, rng: Rng) {
    super();
    const D = o.hiddenDim;
    this.transformer = this.child('transformer', transformer);
    this.classEmbed = this.child('class_embed', new Linear(D, o.numClasses + 1, rng));
    this.bboxEmbed = this.child('bbox_embed', new MLP(D, D, 4, 3, rng));
    this.queryEmbed = this.child('query_embed', new Embedding(o.numQueries, D, rng));
    this.inputProj = this.child('input_proj', new Conv2d(backbone.body.numChannels, D, 1, rng, { bias: true }));
    this.backbone = this.child('backbone', backbone);
  }

  /**
   * batch: padded pixels [B, H, W, 3] with mask [B, H, W] (1 = padding).
   * Returns pred_logits [B, Q, C+1], pred_boxes [B, Q, 4] (normalised cxcywh, sigmoid) and, with
   * aux_loss, the same for every decoder layer but the last. Call inside tf.tidy (or dispose the result).
   */
  call(batch: Batch, ctx: ForwardContext): DetrOutputs {
    const pixels = batchPixels(batch);
    ctx.capture?.('samples', pixels);
    const features = this.backbone.body.body.call(pixels, ctx); // [B, h, w, C]
    const [B, h, w] = features.shape;
    const mask = interpolateMask(hostMask(batch), h, w);
    ctx.capture?.('features', features);
    const pos = this.backbone.position.call(mask); // [B, h, w, D]
    ctx.capture?.('pos', pos);
    const src = this.inputProj.call(features); // [B, h, w, D]
    ctx.capture?.('input_proj', src);
    const D = this.o.hiddenDim;
    const keyBias = keyPaddingBias(mask); // [B, 1, h*w]
    // flatten NHWC -> [B, HW, D] (row-major HW, as PyTorch's flatten(2))
    const { hs } = this.transformer.call(tf.reshape(src, [B, h * w, D]), keyBias, tf.reshape(pos, [B, h * w, D]), this.queryEmbed.weight, ctx);
    const logits = this.classEmbed.call(hs) as tf.Tensor4D; // [L, B, Q, C+1]
    const boxes = tf.sigmoid(this.bboxEmbed.call(hs)) as tf.Tensor4D; // [L, B, Q, 4]
    const L = hs.shape[0];
    const layer = (t: tf.Tensor4D, i: number) => tf.squeeze(tf.slice(t, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D;
    const aux = this.o.auxLoss ? Array.from({ length: L - 1 }, (_, i) => ({ pred_logits: layer(logits, i), pred_boxes: layer(boxes, i) })) : [];
    return { pred_logits: layer(logits, L - 1), pred_boxes: layer(boxes, L - 1), aux_outputs: aux };
  }
}
