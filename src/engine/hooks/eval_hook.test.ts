import { describe, expect, it } from 'vitest';
import { tinyTrainConfig } from '../../testing/engine_setup';
import { loopTrainer, tinyPartsForSuite } from '../../testing/loop_trainer';
import type { Evaluator } from '../ports';
import { EvalHook } from './eval_hook';

const cfg = tinyTrainConfig();
const parts = tinyPartsForSuite(cfg);

describe('EvalHook', () => {
  it.each([
    // eval_period, itersPerEpoch, maxIter, iterations (0-based) after which it evaluates
    [0, 4, 10, [3, 7, 9]], // epoch ends and the last iteration
    [3, 4, 10, [2, 3, 5, 7, 8, 9]], // every 3rd, epoch ends, last
    [5, 5, 10, [4, 9]], // both schedules coincide: once each
    [0, 1, 3, [0, 1, 2]], // one iteration per epoch (the fixture): every iteration
  ])('eval_period %i, %i iterations per epoch, max_iter %i: evaluates after %j', async (period, ipe, maxIter, expected) => {
    expect([...Array(maxIter).keys()].filter((i) => EvalHook.evaluatesAt(i, period, maxIter, ipe))).toEqual(expected);
    const calls: number[] = [];
    let n = 0;
    // A fixed-answer evaluator: this test is about when the hook evaluates, not about COCO AP.
    const evaluator: Evaluator = { evaluate: async (model) => (expect(model).toBe(parts.model), { AP: ++n / 100, AP50: 0.5 }) };
    const t = loopTrainer(cfg, parts, maxIter, ipe);
    t.registerHooks([new EvalHook(evaluator, period, (it) => calls.push(it))]);
    await t.train();
    expect(calls).toEqual(expected);
    expect(t.storage.history('bbox/AP').values()).toEqual(expected.map((it, k) => [(k + 1) / 100, it]));
  });
});
