/**
 * The ResNet backbone of DETR (models/backbone.py): torchvision's ResNet v1.5 (stride on the 3x3
 * conv of a Bottleneck) with FrozenBatchNorm2d, returning layer4's feature map and the padding mask
 * resized to it. Channels-last (NHWC) throughout; names match torchvision's so the state_dict keys are
 * `backbone.0.body.layer1.0.conv1.weight` etc.
 *
 * DC5 (`dilation: true`): layer4 keeps stride 1; its first block keeps dilation 1 and the others use
 * dilation 2 (torchvision's replace_stride_with_dilation). BasicBlock (resnet18/34) refuses dilation.
 * Trainability as the official code: conv1, bn1 and layer1 are always frozen; layer2-4 train only
 * when lr_backbone > 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackboneName } from '../config/config';
import { Module, ModuleList, assignAndDispose, type ForwardContext } from './module';
import { Conv2d } from './layers';
import { FrozenBatchNorm2d } from './frozen_batch_norm';
import { kaimingNormalFanOut, type Rng } from './init';

function conv(inC: number, outC: number, k: number, rng: Rng, stride = 1, padding = 0, dilation = 1): Conv2d {
  const c = new Conv2d(inC, outC, k, rng, { stride, padding, dilation, bias: false });
  assignAndDispose(c.weight, kaimingNormalFanOut(rng, [k, k, inC, outC]));
  return c;
}

class Downsample extends Module {
  readonly conv: Conv2d;
  readonly bn: FrozenBatchNorm2d;
  constructor(inC: number, outC: number, stride: number, rng: Rng) {
    super();
    this.conv = this.child(0, conv(inC, outC, 1, rng, stride));
    this.bn = this.child(1, new FrozenBatchNorm2d(outC));
  }
  call(x: tf.Tensor4D): tf.Tensor4D {
    return this.bn.call(this.conv.call(x));
  }
}

interface Block extends Module {
  call(x: tf.Tensor4D): tf.Tensor4D;
}

class BasicBlock extends Module implements Block {
  static readonly expansion = 1;
  private readonly conv1: Conv2d;
  private readonly bn1: FrozenBatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: FrozenBatchNorm2d;
  private readonly downsample?: Downsample;

  constructor(inC: number, planes: number, stride: number, downsample: Downsample | undefined, dilation: number, rng: Rng) {
    super();
    if (dilation > 1) throw new Error('Dilation > 1 not supported in BasicBlock (use resnet50 or resnet101 for DC5)');
    this.conv1 = this.child('conv1', conv(inC, planes, 3, rng, stride, 1));
    this.bn1 = this.child('bn1', new FrozenBatchNorm2d(planes));
    this.conv2 = this.child('conv2', conv(planes, planes, 3, rng, 1, 1));
    this.bn2 = this.child('bn2', new FrozenBatchNorm2d(planes));
    if (downsample) this.downsample = this.child('downsample', downsample);
  }

  call(x: tf.Tensor4D): tf.Tensor4D {
    let out = tf.relu(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return tf.relu(tf.add(out, identity)) as tf.Tensor4D;
  }
}

class Bottleneck extends Module implements Block {
  static readonly expansion = 4;
  private readonly conv1: Conv2d;
  private readonly bn1: FrozenBatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: FrozenBatchNorm2d;
  private readonly conv3: Conv2d;
  private readonly bn3: FrozenBatchNorm2d;
  private readonly downsample?: Downsample;

  constructor(inC: number, planes: number, stride: number, downsample: Downsample | undefined, dilation: number, rng: Rng) {
    super();
    this.conv1 = this.child('conv1', conv(inC, planes, 1, rng));
    this.bn1 = this.child('bn1', new FrozenBatchNorm2d(planes));
    this.conv2 = this.child('conv2', conv(planes, planes, 3, rng, stride, dilation, dilation));
    this.bn2 = this.child('bn2', new FrozenBatchNorm2d(planes));
    this.conv3 = this.child('conv3', conv(planes, planes * 4, 1, rng));
    this.bn3 = this.child('bn3', new FrozenBatchNorm2d(planes * 4));
    if (downsample) this.downsample = this.child('downsample', downsample);
  }

  call(x: tf.Tensor4D): tf.Tensor4D {
    let out = tf.relu(this.bn1.call(this.conv1.call(x)));
    out = tf.relu(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return tf.relu(tf.add(out, identity)) as tf.Tensor4D;
  }
}

class Layer extends ModuleList<Block> {
  call(x: tf.Tensor4D): tf.Tensor4D {
    return this.items.reduce((h, b) => b.call(h), x);
  }
}

const LAYERS: Record<BackboneName, { block: 'basic' | 'bottleneck'; counts: [number, number, number, number] }> = {
  resnet18: { block: 'basic', counts: [2, 2, 2, 2] },
  resnet34: { block: 'basic', counts: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', counts: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', counts: [3, 4, 23, 3] },
};

/** torchvision.models.resnetXX(replace_stride_with_dilation=[False, False, dilation], norm_layer=FrozenBatchNorm2d) without fc. */
export class ResNet extends Module {
  readonly numChannels: number;
  private readonly conv1: Conv2d;
  private readonly bn1: FrozenBatchNorm2d;
  readonly layers: Layer[] = [];

  constructor(name: BackboneName, dilation: boolean, rng: Rng) {
    super();
    const spec = LAYERS[name];
    const expansion = spec.block === 'basic' ? 1 : 4;
    this.conv1 = this.child('conv1', conv(3, 64, 7, rng, 2, 3));
    this.bn1 = this.child('bn1', new FrozenBatchNorm2d(64));
    let inC = 64;
    let curDilation = 1;
    const planes = [64, 128, 256, 512];
    for (let li = 0; li < 4; li++) {
      const layer = this.child(`layer${li + 1}`, new Layer());
      let stride = li === 0 ? 1 : 2;
      const previousDilation = curDilation;
      if (li === 3 && dilation) {
        curDilation *= stride;
        stride = 1;
      }
      const outC = planes[li] * expansion;
      const ds = stride !== 1 || inC !== outC ? new Downsample(inC, outC, stride, rng) : undefined;
      const make = (i: number, s: number, d: Downsample | undefined, dil: number): Block =>
        spec.block === 'basic' ? new BasicBlock(i, planes[li], s, d, dil, rng) : new Bottleneck(i, planes[li], s, d, dil, rng);
      layer.push(make(inC, stride, ds, previousDilation));
      inC = outC;
      for (let b = 1; b < spec.counts[li]; b++) layer.push(make(inC, 1, undefined, curDilation));
      this.layers.push(layer);
    }
    this.numChannels = inC;
  }

  /** x [B, H, W, 3] -> layer4 features [B, H/32, W/32, C] (H/16 with DC5). */
  call(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let h = tf.relu(this.bn1.call(this.conv1.call(x)));
    h = tf.maxPool(h, 3, 2, 1); // pads with -inf, as nn.MaxPool2d(3, 2, padding=1)
    this.layers.forEach((layer, i) => {
      h = layer.call(h);
      ctx.capture?.(`backbone.layer${i + 1}`, h);
    });
    return h;
  }

  /** Official trainability: conv1/bn1/layer1 never train; layer2-4 train iff lr_backbone > 0. */
  setTrainable(trainBackbone: boolean): void {
    this.freeze();
    if (!trainBackbone) return;
    for (const layer of this.layers.slice(1)) for (const e of layer.entries()) if (e.kind === 'param') e.variable.trainable = true;
  }
}

/** `backbone.0` of DETR: `body` is the ResNet (IntermediateLayerGetter keeps only layer4's output). */
export class Backbone extends Module {
  readonly body: ResNet;
  constructor(name: BackboneName, trainBackbone: boolean, dilation: boolean, rng: Rng) {
    super();
    this.body = this.child('body', new ResNet(name, dilation, rng));
    this.body.setTrainable(trainBackbone);
  }
  get numChannels(): number {
    return this.body.numChannels;
  }
}
