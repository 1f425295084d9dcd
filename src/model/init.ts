/**
 * Parameter initialisers with PyTorch's distributions, drawn from a seeded generator so that a
 * model built from a seed is reproducible (the official code seeds torch the same way).
 * Values differ from PyTorch's own draws (different generator); only the distributions match.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../math/rng';

/** A uniform [0, 1) source; src/math/rng.ts provides the project's seeded one. */
export interface Rng {
  uniform(): number;
}

/** A seeded generator for initialisation when no project RNG is passed (deterministic per seed). */
export function seededRng(seed: number): Rng {
  const next = mulberry32(seed);
  return { uniform: next };
}

function fill(rng: Rng, shape: number[], f: (u: () => number) => number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const u = () => rng.uniform();
  for (let i = 0; i < n; i++) data[i] = f(u);
  return tf.tensor(data, shape, 'float32');
}

/** U(center - bound, center + bound). */
export function uniform(rng: Rng, shape: number[], bound: number, center = 0): tf.Tensor {
  return fill(rng, shape, (u) => center + (2 * u() - 1) * bound);
}

/** N(0, std^2) by Box-Muller. */
export function normal(rng: Rng, shape: number[], std = 1): tf.Tensor {
  return fill(rng, shape, (u) => std * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

/** nn.init.xavier_uniform_ for a [fanOut, fanIn] matrix. */
export function xavierUniform(rng: Rng, shape: [number, number]): tf.Tensor {
  const bound = Math.sqrt(6 / (shape[0] + shape[1]));
  return uniform(rng, shape, bound);
}

/** nn.init.kaiming_normal_(mode='fan_out', nonlinearity='relu') for an HWIO conv filter (torchvision ResNet). */
export function kaimingNormalFanOut(rng: Rng, shape: [number, number, number, number]): tf.Tensor {
  const [kh, kw, , out] = shape;
  return normal(rng, shape, Math.sqrt(2 / (out * kh * kw)));
}
