/**
 * A TrainerBase whose step only puts `total_loss` = 100 - iter: for tests of the loop and of the
 * hooks' schedules, which must not pay for a DETR step. The model and optimizer are real (tiny).
 */
import { afterAll, beforeAll } from 'vitest';
import { buildModel } from '../model/build';
import type { DETR } from '../model/detr';
import { AdamW, detrParamGroups } from '../engine/optim/adamw';
import { TrainerBase } from '../engine/trainer';
import type { DetrConfig } from '../config/config';
import { initNodeBackend } from '../platform/node/backend';
import { tickingClock } from './engine_setup';

export class LoopTrainer extends TrainerBase {
  steps: number[] = [];
  failAt = -1;
  async runStep(): Promise<void> {
    if (this.iter === this.failAt) throw new Error(`step ${this.iter} failed`);
    this.steps.push(this.iter);
    this.storage.putScalar('total_loss', 100 - this.iter);
  }
}

export function tinyModelAndOptimizer(cfg: DetrConfig): { model: DETR; optimizer: AdamW } {
  const model = buildModel(cfg);
  const named = model.namedParameters().map(([name, variable]) => ({ name, variable }));
  return { model, optimizer: new AdamW(detrParamGroups(named, cfg.lr, cfg.lr_backbone, cfg.weight_decay)) };
}

export function loopTrainer(cfg: DetrConfig, parts: { model: DETR; optimizer: AdamW }, maxIter: number, itersPerEpoch: number, startIter = 0): LoopTrainer {
  return new LoopTrainer(parts.model, parts.optimizer, cfg, tickingClock(), maxIter, itersPerEpoch, startIter);
}

/**
 * For a test file: the tiny model and its optimiser on wasm, built before the suite and disposed
 * after it. The returned object is filled in by beforeAll, so read its fields inside tests only.
 */
export function tinyPartsForSuite(cfg: DetrConfig): { model: DETR; optimizer: AdamW } {
  const parts = {} as { model: DETR; optimizer: AdamW };
  beforeAll(async () => {
    await initNodeBackend('wasm');
    Object.assign(parts, tinyModelAndOptimizer(cfg));
  });
  afterAll(() => {
    parts.optimizer.dispose();
    parts.model.dispose();
  });
  return parts;
}
