/**
 * The trainer on tfjs's WebGPU backend in Node (Dawn). Without a GPU, Dawn runs on SwiftShader (the
 * Vulkan ICD Debian's chromium ships), which is slow: a small config and 4 iterations.
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

describe('SimpleTrainer on webgpu', () => {
  it('does not leak and reads back twice per step (4 iterations)', async (ctx) => {
    if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    try {
      await initNodeBackend('webgpu');
    } catch (e) {
      skipReason('the webgpu trainer test', (e as Error).message);
      ctx.skip();
    }
    const cfg = tinyTrainConfig({ dropout: 0.1, augment: true, lr_backbone: 0, batch_size: 1, hidden_dim: 32, enc_layers: 1, dim_feedforward: 32 });
    const tensors: number[] = [];
    const bytes: number[] = [];
    const readbacks: number[] = [];
    const counter = countReadbacks();
    try {
      const r = await train({
        config: cfg, loader: new SyntheticLoader(syntheticSamples(2, 32, 32), 1, true), clock: WALL_CLOCK, writers: [], maxIter: 4,
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
    expect(tensors[3], 'tensors after iteration 4 vs after iteration 2').toBe(tensors[1]);
    expect(bytes[3], 'bytes after iteration 4 vs after iteration 2').toBe(bytes[1]);
    expect(readbacks).toEqual([2, 2, 2, 2]);
  });
});
