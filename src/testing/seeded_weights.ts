/**
 * Reproducible, well-conditioned DETR weights for reference comparisons, made without torch so CI can
 * regenerate the exact bytes the official model was run with.
 *
 * A freshly initialised DETR is a poor test subject: the ResNet's identity FrozenBatchNorm statistics
 * let activations grow block after block until float32 round-off dominates, LayerNorms are exactly
 * (1, 0) and attention biases exactly 0 (a bug ignoring them would pass), and the heads give every
 * query a box within 0.5 +- 0.02 (the matcher then chooses among near-ties). So, starting from
 * buildModel(cfg, seed)'s initialisation, in state_dict order and from one seeded generator:
 *  1. FrozenBatchNorm2d affines: gamma ~ U(0.6, 1.4), beta ~ U(-0.1, 0.3); the last norm of each
 *     residual branch (bn3 / BasicBlock bn2) gamma ~ U(0.1, 0.4), beta ~ U(-0.1, 0.1), so the residual
 *     stream grows slowly, as in trained ResNets;
 *  2. transformer LayerNorms: weight ~ U(0.7, 1.3), bias ~ U(-0.2, 0.2); attention in_proj_bias and
 *     out_proj.bias ~ U(-0.1, 0.1);
 *  3. heads, scaled for unit-variance decoder outputs (decoder.norm's): class logits with std ~2,
 *     bbox MLP He-scaled with pre-sigmoid std ~1; biases ~ U(-0.5, 0.5) on the last layers;
 *  4. a data-dependent init of every running_mean / running_var: the batch statistics of that norm's
 *     input on two painted 64x64 images (resnet_calibration.ts, a frozen plain-JS forward).
 * Nothing here runs the model under test, so the bytes only change if buildModel's initialisation or
 * the official names/order change.
 */
import { createHash } from 'node:crypto';
import { parseConfig, type DetrConfig } from '../config/config';
import { buildModel } from '../model/build';
import type { DETR } from '../model/detr';
import { loadStateDict, stateDict, type TorchArray } from '../model/state_dict';
import { concatParts, writeSafetensors } from '../weights/safetensors';
import { mulberry32, paintImage } from './reference_cases';
import { calibrateResnetNorms } from './resnet_calibration';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** Two painted 64x64 images, normalised as DETR does, [2, 3, 64, 64]. */
export function calibrationImages(seed: number): { n: number; h: number; w: number; data: Float32Array } {
  const S = 64;
  const data = new Float32Array(2 * 3 * S * S);
  for (let n = 0; n < 2; n++) {
    const { image } = paintImage(S, S, seed * 31 + n);
    for (let i = 0; i < S * S; i++) for (let c = 0; c < 3; c++) data[(n * 3 + c) * S * S + i] = (image.data[i * 3 + c] / 255 - MEAN[c]) / STD[c];
  }
  return { n: 2, h: S, w: S, data };
}

/** Steps 1-3: the seeded redraws, in state_dict order. */
function redraw(sd: Map<string, TorchArray>, cfg: DetrConfig, seed: number): void {
  const u = mulberry32((seed ^ 0x2545f491) >>> 0);
  const fill = (a: TorchArray, lo: number, hi: number) => {
    for (let i = 0; i < a.data.length; i++) a.data[i] = lo + (hi - lo) * u();
  };
  const bottleneck = cfg.backbone === 'resnet50' || cfg.backbone === 'resnet101';
  const branchEnd = new RegExp(`\\.layer\\d\\.\\d+\\.bn${bottleneck ? 3 : 2}\\.`);
  const D = cfg.hidden_dim;
  const he = Math.sqrt(6 / D); // U(-b, b) with variance 2 / D
  for (const [name, a] of sd) {
    const norm = name.replace(/\.(weight|bias)$/, '');
    const isBias = name.endsWith('.bias');
    if (name.startsWith('backbone.0.') && sd.has(`${norm}.running_mean`) && norm !== name) {
      const last = branchEnd.test(name);
      if (isBias) fill(a, -0.1, last ? 0.1 : 0.3);
      else fill(a, last ? 0.1 : 0.6, last ? 0.4 : 1.4);
    } else if (/^transformer\..*norm\d?\.(weight|bias)$/.test(name)) {
      if (isBias) fill(a, -0.2, 0.2);
      else fill(a, 0.7, 1.3);
    } else if (/\.(in_proj_bias|out_proj\.bias)$/.test(name)) {
      fill(a, -0.1, 0.1);
    } else if (name === 'class_embed.weight') {
      fill(a, -2 * Math.sqrt(3 / D), 2 * Math.sqrt(3 / D)); // logits std ~2
    } else if (name === 'class_embed.bias' || name === 'bbox_embed.layers.2.bias') {
      fill(a, -0.5, 0.5);
    } else if (name === 'bbox_embed.layers.0.weight' || name === 'bbox_embed.layers.1.weight') {
      fill(a, -he, he);
    } else if (name === 'bbox_embed.layers.2.weight') {
      fill(a, -Math.sqrt(3 / D), Math.sqrt(3 / D)); // pre-sigmoid std ~1 after He-scaled ReLU layers
    }
  }
}

export interface SeededWeights {
  cfg: DetrConfig;
  /** The model, holding exactly these weights (dispose it when done). */
  model: DETR;
  /** Official names and PyTorch layouts, state_dict order. */
  weights: Map<string, TorchArray>;
  /** The .safetensors file (no metadata). */
  bytes: Uint8Array;
  sha256: string;
}

/** buildModel(cfg, seed) on the active backend + the steps above, loaded back into the model. */
export async function seededWeights(config: Record<string, unknown>, seed: number): Promise<SeededWeights> {
  const cfg = parseConfig(config);
  const model = buildModel(cfg, seed);
  const weights = await stateDict(model);
  redraw(weights, cfg, seed);
  calibrateResnetNorms(weights, calibrationImages(seed), cfg.dilation);
  loadStateDict(model, weights);
  const bytes = concatParts(writeSafetensors(new Map([...weights].map(([k, a]) => [k, { dtype: 'float32' as const, shape: a.shape, data: a.data }]))));
  return { cfg, model, weights, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
