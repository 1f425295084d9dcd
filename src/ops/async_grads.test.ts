import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { asyncVariableGrads, noGrad } from './async_grads';

describe('asyncVariableGrads', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals tf.variableGrads across an await, without leaking (${backend})`, async () => {
      await initNodeBackend(backend);
      const w = tf.variable(tf.tensor2d([[0.5, -1.2, 2.0], [0.3, 0.7, -0.4]]));
      const b = tf.variable(tf.tensor1d([0.1, -0.2, 0.3]));
      const unused = tf.variable(tf.tensor1d([1, 2]));
      const x = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.25]]);
      // A loss whose shape depends on a value read back mid-way (like the matcher's indices).
      const lossFrom = (h: tf.Tensor, pick: number) => tf.sum(tf.square(tf.slice(h, [pick, 0], [1, 3])));
      const forward = () => tf.tanh(tf.add(tf.matMul(x, w), b));
      const refPick = tf.tidy(() => tf.argMax(tf.sum(forward(), 1)));
      const pickRef = (await refPick.data())[0];
      refPick.dispose();
      const ref = tf.variableGrads(() => {
        const h = forward();
        return tf.add(lossFrom(h, pickRef), tf.mean(h)) as tf.Scalar;
      }, [w, b]);
      const before = tf.memory().numTensors;
      for (let rep = 0; rep < 3; rep++) {
        const { value, grads, kept } = await asyncVariableGrads(async () => {
          const h = forward();
          const probe = noGrad(() => tf.argMax(tf.sum(h, 1)));
          const pick = (await probe.data())[0]; // the readback the tape must survive
          const loss = tf.add(lossFrom(h, pick), tf.mean(h)) as tf.Scalar;
          return { loss, keep: { h } };
        }, [w, b, unused]);
        expect(await value.data()).toEqual(await ref.value.data());
        const [gw, gb, gu] = grads;
        const rw = await ref.grads[w.name].data();
        const cw = await gw.data();
        for (let i = 0; i < rw.length; i++) expect(cw[i]).toBeCloseTo(rw[i], 6);
        const rb = await ref.grads[b.name].data();
        const cb = await gb.data();
        for (let i = 0; i < rb.length; i++) expect(cb[i]).toBeCloseTo(rb[i], 6);
        expect(Array.from(await gu.data())).toEqual([0, 0]);
        expect(kept.h.isDisposed).toBe(false);
        tf.dispose([value, ...grads, kept.h]);
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([w, b, unused, x, ref.value, ...Object.values(ref.grads)]);
    });
  }

  it('releases the tape and every tensor when the function throws', async () => {
    await initNodeBackend('wasm');
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const before = tf.memory().numTensors;
    await expect(
      asyncVariableGrads(async () => {
        const h = tf.square(tf.mul(w, 2));
        await h.data();
        throw new Error('boom');
      }, [w]),
    ).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    // and the engine is usable for gradients again
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(w);
    expect(Array.from(await g.data())).toEqual([2, 4, 6]);
    tf.dispose([g, w]);
  });
});
