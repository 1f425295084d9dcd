import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../platform/node/backend';
import { conv2d } from '../conv';

/** The wasm filter gradient must equal the reference cpu kernel for every conv DETR's ResNets use. */
describe('Conv2DBackpropFilter on wasm', () => {
  const cases: { name: string; x: number[]; f: number[]; s: number; pad: number; d: number }[] = [
    { name: '7x7 s2 p3 (stem)', x: [2, 23, 18, 3], f: [7, 7, 3, 8], s: 2, pad: 3, d: 1 },
    { name: '3x3 s1 p1', x: [2, 9, 11, 5], f: [3, 3, 5, 6], s: 1, pad: 1, d: 1 },
    { name: '3x3 s2 p1', x: [1, 10, 9, 4], f: [3, 3, 4, 4], s: 2, pad: 1, d: 1 },
    { name: '3x3 s1 p2 dilation 2 (DC5)', x: [2, 8, 7, 3], f: [3, 3, 3, 5], s: 1, pad: 2, d: 2 },
    { name: '1x1 s2 (downsample)', x: [2, 9, 8, 6], f: [1, 1, 6, 7], s: 2, pad: 0, d: 1 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = async (backend: 'cpu' | 'wasm') => {
        await initNodeBackend(backend);
        const x = tf.tensor4d(Float32Array.from({ length: c.x.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.37)), c.x as [number, number, number, number]);
        const w = tf.tensor4d(Float32Array.from({ length: c.f.reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 0.11)), c.f as [number, number, number, number]);
        const g = tf.grad((wv: tf.Tensor) => tf.sum(tf.square(conv2d(x, wv as tf.Tensor4D, { stride: c.s, padding: c.pad, dilation: c.d }))))(w);
        const out = await g.data();
        tf.dispose([x, w, g]);
        return out;
      };
      const ref = await run('cpu');
      const got = await run('wasm');
      expect(got.length).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (1e-2 + Math.abs(ref[i])));
      // float32 sums of ~10^3 products in another order: relative differences of ~1e-5 are expected.
      expect(worst).toBeLessThan(1e-3);
    });
  }
});
