/** Shared set-up of the engine tests: a tiny config and clocks. */
import { parseConfig, type DetrConfig } from '../config/config';
import type { Clock } from '../engine/ports';

/** STYLE's tiny model (resnet18, hidden 64, 2+2 layers, 10 queries) on 64 px synthetic images, classes 1..3. */
export function tinyTrainConfig(overrides: Partial<DetrConfig> = {}): DetrConfig {
  return parseConfig({
    backbone: 'resnet18',
    hidden_dim: 64,
    nheads: 4,
    enc_layers: 2,
    dec_layers: 2,
    dim_feedforward: 128,
    num_queries: 10,
    num_classes: 4,
    dropout: 0,
    batch_size: 2,
    min_size: 64,
    max_size: 64,
    ...overrides,
  });
}

export const WALL_CLOCK: Clock = { now: () => performance.now() / 1000 };

/** A clock that advances 1 s per reading (deterministic `time` scalars). */
export function tickingClock(): Clock {
  let t = 0;
  return { now: () => t++ };
}
