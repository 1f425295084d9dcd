/**
 * Matcher and SetCriterion against the official DETR on the fixture: cost matrices, assignments
 * (exact, or of equal optimal cost), every loss key and the weighted total.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { hasTinyFixture, skipReason } from '../testing/paths';
import { loadTinyFixture } from '../testing/tiny_fixture';
import { expectClose, flat } from '../testing/expect_close';
import { buildCriterion, buildModel } from './build';
import { loadStateDict } from './state_dict';
import type { Indices } from './matcher';
import type { Target } from '../data/types';

const run = hasTinyFixture() ? describe : describe.skip;
if (!hasTinyFixture()) skipReason('criterion parity tests', 'no ../shared/fixtures (set DETR_SHARED)');

/** Total cost of an assignment on the reference's [Q][T] matrix. */
const costOf = (m: number[][], src: ArrayLike<number>, tgt: ArrayLike<number>) => Array.from(src).reduce((s, q, i) => s + m[q][tgt[i]], 0);

function expectOptimal(ours: Indices, refIdx: [number[], number[]][], refCosts: number[][][]) {
  ours.forEach(({ src, tgt }, b) => {
    const [rs, rt] = refIdx[b];
    expect(src.length).toBe(rs.length);
    expect(Array.from(src)).toEqual([...src].sort((a, c) => a - c)); // sorted by query, as scipy
    expect(costOf(refCosts[b], src, tgt)).toBeCloseTo(costOf(refCosts[b], rs, rt), 4);
  });
}

run('HungarianMatcher and SetCriterion parity', () => {
  it('cost matrices, indices, losses and total equal the official ones', async () => {
    await initNodeBackend('wasm');
    const fx = loadTinyFixture();
    const model = buildModel(fx.config);
    loadStateDict(model, fx.weights);
    const criterion = buildCriterion(fx.config);
    const out = tf.tidy(() => model.call(fx.batch, { training: false }));
    const { indices, costs } = await criterion.match(out, fx.batch.targets);
    const ref = fx.reference;
    // costs: ours [B*Q, T] per layer; reference per image [Q][T_b]
    const [B, Q] = out.pred_logits.shape;
    const sizes = fx.batch.targets.map((t) => t.labels.length);
    const T = sizes.reduce((a, b) => a + b, 0);
    const layers = [ref.matcher, ...ref.matcher.aux];
    layers.forEach((layer: { cost_matrices: number[][][]; indices: [number[], number[]][] }, l: number) => {
      let col0 = 0;
      for (let b = 0; b < B; b++) {
        const ours: number[] = [];
        for (let q = 0; q < Q; q++) for (let j = 0; j < sizes[b]; j++) ours.push(costs[l][(b * Q + q) * T + col0 + j]);
        expectClose(ours, flat(layer.cost_matrices[b]), 1e-3, 1e-4, `layer ${l} image ${b} costs`);
        col0 += sizes[b];
      }
      expectOptimal(indices[l], layer.indices, layer.cost_matrices);
    });
    const { losses, total } = tf.tidy(() => criterion.losses(out, fx.batch.targets, indices));
    for (const [k, v] of Object.entries(ref.losses as Record<string, number>)) {
      expect(losses[k], `missing ${k}`).toBeDefined();
      expectClose(await losses[k].data(), [v], 1e-3, 1e-4, k);
    }
    expect(Object.keys(losses).sort()).toEqual(Object.keys(ref.losses).sort());
    expectClose(await total.data(), [ref.total_loss], 1e-3, 1e-4, 'total');
    tf.dispose([out.pred_logits, out.pred_boxes, ...out.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes]), ...Object.values(losses), total]);
    model.dispose();
  });

  it('an image without targets matches nothing; a batch without targets gives zero box losses', async () => {
    await initNodeBackend('wasm');
    const fx = loadTinyFixture();
    const model = buildModel(fx.config);
    loadStateDict(model, fx.weights);
    const criterion = buildCriterion(fx.config);
    const empty: Target[] = fx.batch.targets.map((t) => ({ ...t, labels: new Int32Array(0), boxes: new Float32Array(0), area: new Float32Array(0), iscrowd: new Uint8Array(0) }));
    const out = tf.tidy(() => model.call(fx.batch, { training: false }));
    const { indices } = await criterion.match(out, empty);
    for (const layer of indices) for (const ix of layer) expect(ix.src.length).toBe(0);
    const { losses } = tf.tidy(() => criterion.losses(out, empty, indices));
    expect((await losses.loss_bbox.data())[0]).toBe(0);
    expect((await losses.loss_giou.data())[0]).toBe(0);
    expect((await losses.class_error.data())[0]).toBe(100);
    expect(Number.isFinite((await losses.loss_ce.data())[0])).toBe(true);
    tf.dispose([out.pred_logits, out.pred_boxes, ...out.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes]), ...Object.values(losses)]);
    model.dispose();
  });
});
