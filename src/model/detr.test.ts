/**
 * The model against the official DETR (../shared/fixtures/detr-tiny-r18-sine): same weights, same
 * padded batch -> the official outputs and layer-by-layer intermediates, within the contract's
 * tolerance (|d| <= 1e-4 + 1e-3 |ref|), on the cpu and wasm backends (webgpu: detr.webgpu.test.ts).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { hasTinyFixture, skipReason } from '../testing/paths';
import { loadTinyFixture, nhwcToNchw } from '../testing/tiny_fixture';
import { expectClose, flat } from '../testing/expect_close';
import { buildModel } from './build';
import { loadStateDict, stateDict } from './state_dict';

const run = hasTinyFixture() ? describe : describe.skip;
if (!hasTinyFixture()) skipReason('DETR parity tests', 'no ../shared/fixtures (set DETR_SHARED)');

/** How the official intermediates are laid out relative to ours. */
function ourLayout(name: string, data: Float32Array, shape: number[]): Float32Array {
  if (shape.length === 4 && name !== 'hs') return nhwcToNchw(data, shape); // feature maps: NHWC -> NCHW
  if (name.startsWith('encoder.') || name.startsWith('decoder.')) {
    // ours [B, N, D]; official sequence-first [N, B, D]
    const [B, N, D] = shape;
    const out = new Float32Array(data.length);
    for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) out.set(data.subarray((b * N + n) * D, (b * N + n + 1) * D), (n * B + b) * D);
    return out;
  }
  if (name === 'memory') {
    // ours [B, HW, D]; official memory.permute(1, 2, 0).view(B, D, h, w) = [B, D, HW]
    const [B, N, D] = shape;
    const out = new Float32Array(data.length);
    for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) out[(b * D + d) * N + n] = data[(b * N + n) * D + d];
    return out;
  }
  return data;
}

run('DETR forward parity with the official implementation', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`outputs and intermediates match on ${backend}`, async () => {
      await initNodeBackend(backend);
      const fx = loadTinyFixture();
      const model = buildModel(fx.config);
      const report = loadStateDict(model, fx.weights);
      expect(report.missing).toEqual([]);
      expect(report.unexpected).toEqual([]);
      const captured = new Map<string, tf.Tensor>();
      const out = tf.tidy(() => model.call(fx.batch, { training: false, capture: (n, t) => captured.set(n, tf.keep(tf.clone(t))) }));
      const fw = fx.reference.forward;
      expectClose(await out.pred_logits.data(), flat(fw.pred_logits), 1e-3, 1e-4, 'pred_logits');
      expectClose(await out.pred_boxes.data(), flat(fw.pred_boxes), 1e-3, 1e-4, 'pred_boxes');
      expect(out.aux_outputs.length).toBe(fw.aux_outputs.length);
      for (let i = 0; i < out.aux_outputs.length; i++) {
        expectClose(await out.aux_outputs[i].pred_logits.data(), flat(fw.aux_outputs[i].pred_logits), 1e-3, 1e-4, `aux ${i} logits`);
        expectClose(await out.aux_outputs[i].pred_boxes.data(), flat(fw.aux_outputs[i].pred_boxes), 1e-3, 1e-4, `aux ${i} boxes`);
      }
      let compared = 0;
      for (const [name, t] of captured) {
        const ref = fx.intermediates.get(name === 'features' ? 'features' : name);
        if (!ref) continue;
        expectClose(ourLayout(name, (await t.data()) as Float32Array, t.shape), ref.data, 1e-3, 1e-4, name);
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(12);
      tf.dispose([...captured.values(), out.pred_logits, out.pred_boxes, ...out.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes])]);
      model.dispose();
    });
  }

  it('exports exactly the weights it loaded, with official names, order and layouts', async () => {
    await initNodeBackend('wasm');
    const fx = loadTinyFixture();
    const model = buildModel(fx.config);
    loadStateDict(model, fx.weights);
    const sd = await stateDict(model);
    expect([...sd.keys()]).toEqual([...fx.weights.keys()]);
    for (const [k, v] of fx.weights) {
      expect(sd.get(k)!.shape, k).toEqual(v.shape);
      expect(Buffer.from(sd.get(k)!.data.buffer, sd.get(k)!.data.byteOffset, sd.get(k)!.data.byteLength).equals(Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength)), k).toBe(true);
    }
    model.dispose();
  });

  it('building, loading and disposing a model leaves no tensor behind', async () => {
    await initNodeBackend('wasm');
    const fx = loadTinyFixture();
    const before = tf.memory().numTensors;
    for (const cfg of [fx.config, { ...fx.config, position_embedding: 'learned' as const, pre_norm: true }]) {
      const model = buildModel(cfg);
      if (cfg === fx.config) loadStateDict(model, fx.weights);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('does not leak tensors across forward passes', async () => {
    await initNodeBackend('wasm');
    const fx = loadTinyFixture();
    const model = buildModel(fx.config);
    loadStateDict(model, fx.weights);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = tf.tidy(() => model.call(fx.batch, { training: false }));
      await out.pred_logits.data();
      tf.dispose([out.pred_logits, out.pred_boxes, ...out.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes])]);
      counts.push(tf.memory().numTensors);
    }
    expect(counts[2]).toBe(counts[1]);
    model.dispose();
  });
});
