import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { SyntheticLoader, syntheticSamples } from '../testing/synthetic_data';
import { tinyTrainConfig, WALL_CLOCK } from '../testing/engine_setup';
import { countReadbacks } from '../testing/readback_counter';
import { createTrainingSession, train } from './commands';
import { CallbackHook } from './hooks/callback_hook';
import { NonFiniteLossError } from './simple_trainer';
import type { DetrConfig } from '../config/config';

function synthetic(cfg: DetrConfig, images = 4) {
  return new SyntheticLoader(syntheticSamples(images, 64, 64), cfg.batch_size, cfg.augment, cfg.seed);
}

describe('SimpleTrainer', () => {
  it('does not leak and reads back exactly twice per step (wasm, 20 iterations)', async () => {
    await initNodeBackend('wasm');
    const cfg = tinyTrainConfig({ dropout: 0.1, augment: true });
    const counts = new Map<number, number>();
    const readbacks: number[] = [];
    const counter = countReadbacks();
    const r = await train({
      config: cfg, loader: synthetic(cfg), clock: WALL_CLOCK, writers: [], maxIter: 20,
      extraHooks: [new CallbackHook('probe', {
        beforeStep: () => counter.reset(),
        afterStep: (c) => {
          counts.set(c.iter + 1, tf.memory().numTensors);
          readbacks.push(counter.count);
        },
      })],
    });
    counter.uninstall();
    r.session.dispose();
    expect(counts.get(20), 'tensors after iteration 20 vs after iteration 3').toBe(counts.get(3));
    // 1: the matcher's cost matrices; 2: the packed logged scalars.
    expect(readbacks).toEqual(Array(20).fill(2));
  });

  it('learns: the total loss of a small synthetic problem falls below half its first value', async () => {
    await initNodeBackend('wasm');
    const cfg = tinyTrainConfig({ lr: 1e-3, lr_backbone: 0, augment: false });
    const r = await train({ config: cfg, loader: synthetic(cfg, 2), clock: WALL_CLOCK, writers: [], maxIter: 50 });
    const losses = r.session.trainer.storage.history('total_loss').values().map(([v]) => v);
    r.session.dispose();
    const last = Math.max(...losses.slice(-5));
    expect(last, `first ${losses[0]}, last five ${losses.slice(-5).map((v) => v.toFixed(3))}`).toBeLessThan(losses[0] / 2);
  });

  for (const [what, value, expected] of [
    // 3e38 on class 0 (never a target): finite outputs and costs, but each row's CE is ~3e38 and their sum overflows.
    ['an infinite loss', 3e38, /^loss_ce is Infinity at iteration 0: training stopped before the optimiser step/],
    // Infinity: softmax gives NaN outputs, the matcher's costs are NaN, no loss can be formed.
    ['NaN model outputs', Infinity, /^the matcher cost \(from the model outputs\) is NaN at iteration 0: training stopped before the optimiser step/],
  ] as const) {
    it(`stops on ${what} before the optimiser step, naming it`, async () => {
      await initNodeBackend('wasm');
      const cfg = tinyTrainConfig({ lr_backbone: 0 });
      const s = createTrainingSession({ config: cfg, loader: synthetic(cfg), clock: WALL_CLOCK, writers: [], maxIter: 3 });
      const bias = s.model.classEmbed.bias;
      const poisoned = Float32Array.from(await bias.data(), (v, i) => (i === 0 ? value : v));
      tf.tidy(() => bias.assign(tf.tensor1d(poisoned)));
      const before = new Map(await Promise.all(s.optimizer.params().map(async (p) => [p.name, await p.variable.data()] as const)));
      const tensors = tf.memory().numTensors;
      const err = await s.trainer.train().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteLossError);
      expect((err as Error).message).toMatch(expected);
      expect(tf.memory().numTensors, 'a failed step frees its tensors').toBe(tensors);
      for (const p of s.optimizer.params()) {
        expect(Array.from(await p.variable.data()), p.name).toEqual(Array.from(before.get(p.name)!));
        expect(s.optimizer.moments(p.name).step).toBe(0);
      }
      s.dispose();
    });
  }
});
