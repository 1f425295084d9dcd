import { describe, expect, it } from 'vitest';
import { tinyTrainConfig } from '../../testing/engine_setup';
import { loopTrainer, tinyPartsForSuite } from '../../testing/loop_trainer';
import { CallbackHook } from './callback_hook';
import { LRScheduler } from './lr_scheduler';
import { WARMUP_START_FACTOR } from '../optim/warmup';

const cfg = tinyTrainConfig({ lr: 1e-3, lr_backbone: 1e-4 });
const parts = tinyPartsForSuite(cfg);

describe('LRScheduler', () => {
  it('drops both groups by 10x every lr_drop epochs and warms up linearly', async () => {
    // 2 iterations per epoch, lr_drop 2 epochs -> drop after iteration 3; warm-up over 3 iterations.
    const t = loopTrainer(cfg, parts, 10, 2);
    const seen: number[][] = [];
    const sched = LRScheduler.forOptimizer(parts.optimizer, 2, 3);
    t.registerHooks([sched, new CallbackHook('probe', { afterStep: (c) => void seen.push(c.optimizer.groups.map((g) => g.lr)) })]);
    await t.train();
    const w = (i: number) => WARMUP_START_FACTOR * (1 - i / 3) + i / 3;
    const expected = [
      [1e-3 * w(0), 1e-4 * w(0)], [1e-3 * w(1), 1e-4 * w(1)], [1e-3 * w(2), 1e-4 * w(2)], [1e-3, 1e-4],
      [1e-4, 1e-5], [1e-4, 1e-5], [1e-4, 1e-5], [1e-4, 1e-5],
      [1e-5, 1e-6], [1e-5, 1e-6],
    ];
    seen.forEach((lrs, i) => lrs.forEach((lr, g) => expect(lr, `iteration ${i} group ${g}`).toBeCloseTo(expected[i][g], 15)));
    expect(t.storage.history('lr').values().map(([v]) => v)).toEqual(seen.map((l) => l[0]));
    expect(t.storage.history('lr_backbone').latest()).toBe(seen[9][1]);
    expect(sched.stateDict().last_epoch).toBe(5);
  });
});
