/**
 * Official DETR state_dict names <-> the model's variables.
 *
 * Names come from the module tree itself (module.ts), so they are the official ones by construction.
 * Layouts differ in one place only, listed in LAYOUT_CONVERSIONS: PyTorch conv weights are OIHW and
 * tfjs's conv2d takes HWIO. Linear weights keep PyTorch's [out, in] (the model multiplies by the
 * transpose), so nothing else is converted.
 *
 * Loading asserts equal key sets (listing missing and unexpected keys) and equal shapes, with two
 * deliberate exceptions users rely on: a torchvision ResNet state dict loads into the backbone alone
 * (it must then cover the whole backbone, no more, so a ResNet of another depth is refused),
 * and a checkpoint whose class head has another num_classes loads everything else while the head
 * keeps its fresh initialisation (DETR fine-tuning on a custom dataset).
 */
import * as tf from '@tensorflow/tfjs-core';
import { assignAndDispose, type Module } from './module';

/** A named array in PyTorch's layout. */
export interface TorchArray {
  shape: number[];
  data: Float32Array;
}

interface LayoutConversion {
  applies: (name: string, torchShape: number[]) => boolean;
  why: string;
  toModel: (a: TorchArray) => TorchArray;
  toTorch: (a: TorchArray) => TorchArray;
}

function permute4(a: TorchArray, perm: [number, number, number, number]): TorchArray {
  const s = a.shape;
  const outShape = perm.map((p) => s[p]);
  const strides = [s[1] * s[2] * s[3], s[2] * s[3], s[3], 1];
  const out = new Float32Array(a.data.length);
  const [p0, p1, p2, p3] = perm;
  let o = 0;
  for (let i = 0; i < outShape[0]; i++)
    for (let j = 0; j < outShape[1]; j++)
      for (let k = 0; k < outShape[2]; k++)
        for (let l = 0; l < outShape[3]; l++) {
          const idx = [0, 0, 0, 0];
          idx[p0] = i;
          idx[p1] = j;
          idx[p2] = k;
          idx[p3] = l;
          out[o++] = a.data[idx[0] * strides[0] + idx[1] * strides[1] + idx[2] * strides[2] + idx[3]];
        }
  return { shape: outShape, data: out };
}

export const LAYOUT_CONVERSIONS: readonly LayoutConversion[] = [
  {
    applies: (_name, shape) => shape.length === 4,
    why: 'conv weights: PyTorch stores OIHW, tfjs conv2d takes HWIO',
    toModel: (a) => permute4(a, [2, 3, 1, 0]),
    toTorch: (a) => permute4(a, [3, 2, 0, 1]),
  },
];

function convert(name: string, a: TorchArray, dir: 'toModel' | 'toTorch', torchShape: number[]): TorchArray {
  for (const c of LAYOUT_CONVERSIONS) if (c.applies(name, torchShape)) return c[dir](a);
  return a;
}

/** The PyTorch shape of a model variable. */
export function torchShape(v: tf.Variable): number[] {
  const s = v.shape;
  return s.length === 4 ? [s[3], s[2], s[0], s[1]] : [...s];
}

const IGNORED = [/\.num_batches_tracked$/];
const HEAD = /^class_embed\./;

export interface LoadReport {
  loaded: number;
  /** Official names the model has but the file lacks (only reported, never loaded, in lenient mode). */
  missing: string[];
  unexpected: string[];
  /** Keys whose shape differed and that kept their initialisation (the class head). */
  reinitialized: string[];
  /** One-line human summary. */
  notes: string[];
}

export interface LoadOptions {
  /** Allow missing keys (e.g. a backbone-only or partial file); default false. */
  allowMissing?: boolean;
  /** Keep a differently sized class head freshly initialised instead of failing; default true. */
  allowHeadMismatch?: boolean;
}

/** A torchvision ResNet state dict (conv1.weight, layer1.0..., fc.*) -> DETR's backbone names. */
export function fromTorchvisionResnet(sd: Map<string, TorchArray>): Map<string, TorchArray> | undefined {
  const keys = [...sd.keys()];
  if (!keys.includes('conv1.weight') || keys.some((k) => k.startsWith('transformer.') || k.startsWith('backbone.'))) return undefined;
  const out = new Map<string, TorchArray>();
  for (const [k, v] of sd) if (!k.startsWith('fc.')) out.set(`backbone.0.body.${k}`, v);
  return out;
}

/** Loads official-named arrays into the model. Throws with the missing/unexpected/mismatched keys listed. */
export function loadStateDict(model: Module, sd: Map<string, TorchArray>, opts: LoadOptions = {}): LoadReport {
  const { allowMissing = false, allowHeadMismatch = true } = opts;
  const report: LoadReport = { loaded: 0, missing: [], unexpected: [], reinitialized: [], notes: [] };
  const tv = fromTorchvisionResnet(sd);
  if (tv) {
    sd = tv;
    report.notes.push('torchvision ResNet weights: loaded into the backbone only');
  }
  const entries = new Map(model.entries().map((e) => [e.name, e.variable]));
  const mismatched: string[] = [];
  const assignments: [tf.Variable, TorchArray][] = [];
  for (const [name, arr] of sd) {
    if (IGNORED.some((r) => r.test(name))) continue;
    const v = entries.get(name);
    if (!v) {
      report.unexpected.push(name);
      continue;
    }
    const want = torchShape(v);
    if (want.length !== arr.shape.length || want.some((d, i) => d !== arr.shape[i])) {
      if (allowHeadMismatch && HEAD.test(name)) report.reinitialized.push(name);
      else mismatched.push(`${name}: file [${arr.shape}] vs model [${want}]`);
      continue;
    }
    assignments.push([v, convert(name, arr, 'toModel', want)]);
  }
  report.missing = [...entries.keys()].filter((n) => !sd.has(n) && !report.reinitialized.includes(n));
  const list = (xs: string[]) => xs.slice(0, 8).join(', ') + (xs.length > 8 ? `, ... (${xs.length} in all)` : '');
  if (mismatched.length) throw new Error(`weights do not fit this config: shape mismatch for ${list(mismatched)}`);
  if (report.unexpected.length) {
    throw new Error(
      tv
        ? `torchvision ResNet weights have keys this backbone does not: ${list(report.unexpected)} (a deeper ResNet than config "backbone"?)`
        : `weights have keys this model does not: ${list(report.unexpected)} (check backbone, pre_norm, position_embedding, dec_layers)`,
    );
  }
  // A torchvision file holds the backbone only: the rest is legitimately missing, the backbone is not.
  const required = tv ? report.missing.filter((n) => n.startsWith('backbone.0.')) : report.missing;
  if (required.length && !allowMissing) {
    throw new Error(
      tv
        ? `torchvision ResNet weights lack backbone keys: ${list(required)} (a shallower ResNet than config "backbone"?)`
        : `weights lack keys this model needs: ${list(required)}`,
    );
  }
  for (const [v, a] of assignments) {
    assignAndDispose(v, tf.tensor(a.data, v.shape, 'float32'));
    report.loaded++;
  }
  if (report.reinitialized.length) {
    report.notes.push(`class head re-initialised for this num_classes (${report.reinitialized.join(', ')} had another shape in the file)`);
  }
  return report;
}

/** The model's weights as official names and PyTorch layouts, in state_dict order (reads the device). */
export async function stateDict(model: Module): Promise<Map<string, TorchArray>> {
  const out = new Map<string, TorchArray>();
  for (const e of model.entries()) {
    const data = (await e.variable.data()) as Float32Array; // GPU->CPU sync point: exporting weights
    const shape = torchShape(e.variable);
    out.set(e.name, convert(e.name, { shape: [...e.variable.shape], data }, 'toTorch', shape));
  }
  return out;
}
