/**
 * Per-parameter arrays (optimizer moments, gradients) between the model's layout and PyTorch's,
 * through the model's own list of layout conversions (state_dict.ts), so checkpoints and debug
 * dumps read like PyTorch's.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { LAYOUT_CONVERSIONS, torchShape, type TorchArray } from '../model/state_dict';

/** `data` in the layout of `v` (a model variable named `name`) -> PyTorch layout. */
export function toTorchLayout(name: string, v: tf.Variable, data: Float32Array): TorchArray {
  const shape = torchShape(v);
  const conv = LAYOUT_CONVERSIONS.find((c) => c.applies(name, shape));
  const a = { shape: [...v.shape], data };
  return conv ? conv.toTorch(a) : a;
}

/** A PyTorch-layout array for variable `v` -> the model's layout; the shape must be v's PyTorch shape. */
export function toModelLayout(name: string, v: tf.Variable, a: TorchArray, where: string): Float32Array {
  const shape = torchShape(v);
  if (a.shape.length !== shape.length || a.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${where}: ${name} has shape [${a.shape}], the model's parameter [${shape}]`);
  }
  const conv = LAYOUT_CONVERSIONS.find((c) => c.applies(name, shape));
  return conv ? conv.toModel(a).data : a.data;
}
