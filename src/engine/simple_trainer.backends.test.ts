/**
 * No leak on the backends the page trains on: tfjs `cpu` (the last fallback) and `webgpu` through
 * Dawn in Node. Without a GPU, Dawn runs on SwiftShader (the Vulkan ICD Debian's chromium ships),
 * and both are slow here, so the model is a micro DETR (hidden 32, one encoder layer, a frozen
 * backbone, 32 px images); the 20 iterations are the issue's: the tensor count and bytes after
 * iteration 20 equal those after iteration 3, with two readbacks every step.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { SyntheticLoader, syntheticSamples } from '../testing/synthetic_data';
import { tinyTrainConfig, WALL_CLOCK } from '../testing/engine_setup';
import { countReadbacks } from '../testing/readback_counter';
import { skipReason } from '../testing/paths';
import { train } from './commands';
import { CallbackHook } from './hooks/callback_hook';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const ITERATIONS = 20;

describe.each(['cpu', 'webgpu'] as const)('SimpleTrainer on %s', (backend) => {
  it(`does not leak and reads back twice per step (${ITERATIONS} iterations)`, async (ctx) => {
    if (backend === 'webgpu' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    try {
      await initNodeBackend(backend);
    } catch (e) {
      skipReason(`the ${backend} trainer test`, (e as Error).message);
      ctx.skip();
    }
    const cfg = tinyTrainConfig({ dropout: 0.1, augment: true, lr_backbone: 0, batch_size: 1, hidden_dim: 32, enc_layers: 1, dim_feedforward: 32 });
    const tensors: number[] = [];
    const bytes: number[] = [];
    const readbacks: number[] = [];
    const counter = countReadbacks();
    try {
      const r = await train({
        config: cfg, loader: new SyntheticLoader(syntheticSamples(2, 32, 32), 1, true), clock: WALL_CLOCK, writers: [], maxIter: ITERATIONS,
        extraHooks: [new CallbackHook('probe', {
          beforeStep: () => counter.reset(),
          afterStep: () => {
            readbacks.push(counter.count);
            tensors.push(tf.memory().numTensors);
            bytes.push(tf.memory().numBytes);
          },
        })],
      });
      const losses = r.session.trainer.storage.history('total_loss').values().map(([v]) => v);
      r.session.dispose();
      expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
    } finally {
      counter.uninstall();
      await initNodeBackend('wasm');
    }
    expect(tensors[ITERATIONS - 1], `tensors after iteration ${ITERATIONS} vs after iteration 3`).toBe(tensors[2]);
    expect(bytes[ITERATIONS - 1], `bytes after iteration ${ITERATIONS} vs after iteration 3`).toBe(bytes[2]);
    expect(readbacks).toEqual(Array(ITERATIONS).fill(2));
  }, 20 * 60_000);
});
