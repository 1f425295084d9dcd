import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { conv2d, dilateFilter } from './conv';

describe('conv2d with dilation', () => {
  it('dilated forward equals the zero-inserted filter, and its gradients match that formulation', async () => {
    await initNodeBackend('cpu');
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => Math.sin(i * 0.7)), [2, 7, 6, 3]);
    const w = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 2 }, (_, i) => Math.cos(i * 0.3)), [3, 3, 3, 2]);
    const a = conv2d(x, w, { padding: 2, dilation: 2 });
    const b = conv2d(x, dilateFilter(w, 2), { padding: 2 });
    expect(a.shape).toEqual([2, 7, 6, 2]);
    const [da, db] = [await a.data(), await b.data()];
    for (let i = 0; i < da.length; i++) expect(da[i]).toBeCloseTo(db[i], 5);
    // Gradients w.r.t. w and x equal those of the explicit zero-inserted formulation.
    const loss = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, { padding: 2, dilation: 2 })));
    const lossRef = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(conv2d(xi as tf.Tensor4D, dilateFilter(wi as tf.Tensor4D, 2), { padding: 2 })));
    const [gx, gw] = tf.grads(loss)([x, w]);
    const [rx, rw] = tf.grads(lossRef)([x, w]);
    expect(gw.shape).toEqual([3, 3, 3, 2]);
    const close = async (p: tf.Tensor, q: tf.Tensor) => {
      const [u, v] = [await p.data(), await q.data()];
      for (let i = 0; i < u.length; i++) expect(Math.abs(u[i] - v[i])).toBeLessThan(1e-3 * (1 + Math.abs(v[i])));
    };
    await close(gx, rx);
    await close(gw, rw);
  });
});
