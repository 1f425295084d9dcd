import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../platform/node/backend';
import { REPO_ROOT, SYSTEM_PYTHON, hasPython, skipReason } from '../../testing/paths';
import { expectClose } from '../../testing/expect_close';
import { seededRng } from '../../model/init';
import { AdamW, detrParamGroups, type NamedParam } from './adamw';
import { clipGradNorm } from './clip_grad_norm';
import { StepLR } from './step_lr';

const havePy = hasPython(['torch']);
const SHAPES: { name: string; shape: number[] }[] = [
  { name: 'transformer.w', shape: [3, 4] },
  { name: 'class_embed.bias', shape: [5] },
  { name: 'backbone.0.body.layer2.0.conv1.weight', shape: [2, 3, 2, 2] },
  { name: 'backbone.1.row_embed.weight', shape: [4, 2] },
];
const STEPS = 6;
const ITERS_PER_EPOCH = 2;

function randn(rng: ReturnType<typeof seededRng>, n: number, scale: number): number[] {
  return Array.from({ length: n }, () => scale * Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform()));
}

describe.skipIf(!havePy)('AdamW + clip_grad_norm + StepLR vs PyTorch', () => {
  for (const maxNorm of [0.1, 0]) {
    it(`matches torch.optim.AdamW over ${STEPS} steps, two groups, decay visible (max_norm ${maxNorm})`, async () => {
      await initNodeBackend('wasm');
      const rng = seededRng(7);
      // A large lr*wd (0.05*0.5) so the decoupled decay is visible at float32 resolution.
      const lr = 0.05, lrBackbone = 0.02, wd = 0.5, lrDrop = 2;
      const init = SHAPES.map((s) => randn(rng, s.shape.reduce((a, b) => a * b, 1), 1));
      const grads = Array.from({ length: STEPS }, (_, t) => SHAPES.map((s) => randn(rng, s.shape.reduce((a, b) => a * b, 1), 0.5 + t)));
      const problem = {
        params: SHAPES.map((s, i) => ({ shape: s.shape, data: init[i], group: s.name.includes('backbone') ? 1 : 0 })),
        lr: [lr, lrBackbone], weight_decay: wd, max_norm: maxNorm, lr_drop: lrDrop, iters_per_epoch: ITERS_PER_EPOCH, grads,
      };
      const ref = JSON.parse(execFileSync(SYSTEM_PYTHON, [resolve(REPO_ROOT, 'src/testing/torch_optim_reference.py')], { input: JSON.stringify(problem), maxBuffer: 1 << 26 }).toString());

      // Our parameters live in tfjs layout; these shapes are layout-free (row-major flat values compare directly).
      const named: NamedParam[] = SHAPES.map((s, i) => ({ name: s.name, variable: tf.variable(tf.tensor(init[i], s.shape), true) }));
      const opt = new AdamW(detrParamGroups(named, lr, lrBackbone, wd));
      const sched = new StepLR([lr, lrBackbone], lrDrop);
      const order = opt.params().map((p) => named.indexOf(p));
      const before = tf.memory().numTensors;
      for (let t = 0; t < STEPS; t++) {
        sched.lrs().forEach((l, g) => (opt.groups[g].lr = l));
        expectClose(sched.lrs(), ref.lrs[t], 1e-12, 0, `lrs at step ${t}`);
        const g = order.map((i) => tf.tensor(grads[t][i], SHAPES[i].shape));
        const { grads: clipped, totalNorm } = clipGradNorm(g, maxNorm);
        expectClose([(await totalNorm.data())[0]], [ref.norms[t]], 1e-6, 0, `grad norm at step ${t}`);
        opt.step(clipped);
        tf.dispose([...g, ...clipped, totalNorm]);
        for (let i = 0; i < SHAPES.length; i++) {
          expectClose(await named[i].variable.data(), ref.params[t][i], 1e-6, 1e-7, `${SHAPES[i].name} after step ${t + 1}`);
        }
        if ((t + 1) % ITERS_PER_EPOCH === 0) sched.step();
        expect(tf.memory().numTensors, 'no tensor leaks across steps').toBe(before);
      }
      for (let i = 0; i < SHAPES.length; i++) {
        const m = opt.moments(SHAPES[i].name);
        expect(m.step).toBe(STEPS);
        expectClose(await m.expAvg.data(), ref.exp_avg[i], 1e-6, 1e-9, `exp_avg ${SHAPES[i].name}`);
        expectClose(await m.expAvgSq.data(), ref.exp_avg_sq[i], 1e-6, 1e-12, `exp_avg_sq ${SHAPES[i].name}`);
      }
      // Decay is visible: leaving it out would move every element by lr*wd*|p| ~ 2.5e-2*|p| per step,
      // 10^4 times the tolerance above, so the comparison fails without it.
      opt.dispose();
      named.forEach((p) => p.variable.dispose());
    });
  }

  it('leaves frozen parameters out and refuses them in a group', async () => {
    await initNodeBackend('wasm');
    const frozen = { name: 'backbone.0.body.conv1.weight', variable: tf.variable(tf.zeros([2]), false) };
    const live = { name: 'class_embed.weight', variable: tf.variable(tf.zeros([2]), true) };
    const groups = detrParamGroups([frozen, live], 1e-4, 1e-5, 1e-4);
    expect(groups.map((g) => g.params.map((p) => p.name))).toEqual([['class_embed.weight'], []]);
    expect(() => new AdamW([{ lr: 1, weightDecay: 0, params: [frozen] }])).toThrow(/frozen/);
    tf.dispose([frozen.variable, live.variable]);
  });
});

if (!havePy) skipReason('AdamW vs PyTorch', '/usr/bin/python3 cannot import torch');
