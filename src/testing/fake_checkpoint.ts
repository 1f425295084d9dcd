/**
 * A small studio training checkpoint with DETR's structure (two param groups, a buffer, a parameter
 * that has not stepped yet, StepLR state, sampler state) for tests of the export formats, which do
 * not need a real model.
 */
import type { CheckpointContents } from '../engine/checkpoint_format';
import { DEFAULTS, type DetrConfig } from '../config/config';
import type { TorchArray } from '../model/state_dict';

const arr = (shape: number[], seed: number): TorchArray => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 13.7 + i) * (seed + 1)),
});

/** A small checkpoint with DETR's structure: two groups, a buffer, a parameter without state yet. */
export function fakeCheckpoint(iteration: number, itersPerEpoch: number, cfg: Partial<DetrConfig> = {}): CheckpointContents {
  const config: DetrConfig = { ...DEFAULTS, num_classes: 3, lr_drop: 2, ...cfg };
  const C = config.num_classes;
  const model = new Map<string, TorchArray>([
    ['transformer.encoder.layers.0.linear1.weight', arr([3, 2], 1)],
    ['class_embed.weight', arr([C + 1, 2], 2)],
    ['class_embed.bias', arr([C + 1], 3)],
    ['query_embed.weight', arr([4, 2], 4)],
    ['backbone.0.body.bn1.running_mean', arr([2], 5)],
    ['backbone.0.body.layer2.0.conv1.weight', arr([2, 2, 1, 1], 6)],
  ]);
  const g0 = ['transformer.encoder.layers.0.linear1.weight', 'class_embed.weight', 'class_embed.bias', 'query_embed.weight'];
  const g1 = ['backbone.0.body.layer2.0.conv1.weight'];
  const stepped = [...g0.slice(0, 3), ...g1];
  const completed = Math.floor(iteration / itersPerEpoch);
  return {
    iteration,
    epoch: completed,
    config,
    model,
    optimizer: {
      param_groups: [
        { lr: 1e-4, weight_decay: 1e-4, betas: [0.9, 0.999], eps: 1e-8, params: g0 },
        { lr: 1e-5, weight_decay: 1e-4, betas: [0.9, 0.999], eps: 1e-8, params: g1 },
      ],
      step: Object.fromEntries([...stepped.map((n) => [n, iteration] as const), ['query_embed.weight', 0]]),
    },
    expAvg: new Map(stepped.map((n, i) => [n, arr(model.get(n)!.shape, 10 + i)])),
    expAvgSq: new Map(stepped.map((n, i) => [n, { ...arr(model.get(n)!.shape, 20 + i), data: arr(model.get(n)!.shape, 20 + i).data.map(Math.abs) }])),
    trainer: {
      iteration,
      storage: { iter: iteration, histories: {}, smoothingHints: {} },
      hooks: { LRScheduler: { last_epoch: completed, base_lrs: [1e-4, 1e-5], step_size: 2, gamma: 0.1 } },
      dropout_seeds: { seed: 42, counter: 99 },
      data: { sampler: { epoch: completed, index: iteration % itersPerEpoch, seed: 42 }, rng: [1, 2, 3, 4] },
    },
  };
}
