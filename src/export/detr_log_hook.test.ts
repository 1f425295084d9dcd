/**
 * DetrLogHook on the real loop (TrainerBase with a tiny real model): one line per completed epoch
 * with the epoch's means, the COCO stats when evaluation ran at that epoch's end, n_parameters; and
 * a run checkpointed mid-epoch (state taken in afterStep by an earlier hook, as PeriodicCheckpointer
 * does) and resumed writes the same lines as the straight run.
 */
import { describe, expect, it } from 'vitest';
import { tinyTrainConfig } from '../testing/engine_setup';
import { LoopTrainer, loopTrainer, tinyPartsForSuite } from '../testing/loop_trainer';
import { CallbackHook } from '../engine/hooks/callback_hook';
import type { TrainerState } from '../engine/trainer';
import { buildWeightDict } from '../model/build';
import { COCO_STAT_NAMES } from '../eval/coco_types';
import { DetrLogHook } from './detr_log_hook';

const cfg = tinyTrainConfig({ dec_layers: 2 });
const parts = tinyPartsForSuite(cfg);

/** Puts DETR's loss keys (iteration-dependent) and lr, as SimpleTrainer + LRScheduler would. */
function withLosses(t: LoopTrainer): LoopTrainer {
  const step = t.runStep.bind(t);
  t.runStep = async () => {
    await step();
    const i = t.iter;
    t.storage.putScalars({ loss_ce: 1 + i, class_error: 10 * i, loss_bbox: 0.5 * i, loss_giou: 2, cardinality_error: 3, loss_ce_0: i, loss_bbox_0: 1, loss_giou_0: 1, cardinality_error_0: 0 });
    t.storage.putScalar('lr', i < 4 ? 1e-4 : 1e-5, false);
  };
  return t;
}

/** COCO stats at every epoch end but the first (a validation split evaluated by EvalHook). */
const evalAtEpochEnd = () =>
  new CallbackHook('fakeEval', {
    afterStep: (c) => {
      if ((c.iter + 1) % c.itersPerEpoch === 0 && c.epoch > 0) for (const [k, n] of COCO_STAT_NAMES.entries()) c.storage.putScalar(`bbox/${n}`, k / 100, false);
    },
  });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('DetrLogHook', () => {
  it('writes one official line per epoch with the epoch means', async () => {
    const lines: string[] = [];
    const t = withLosses(loopTrainer(cfg, parts, 8, 4));
    t.registerHooks([evalAtEpochEnd(), new DetrLogHook((l) => lines.push(l), buildWeightDict(cfg))]);
    await t.train();
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs.map((r) => r.epoch)).toEqual([0, 1]);
    expect(recs[0].train_loss).toBe(mean([100, 99, 98, 97])); // LoopTrainer's total_loss = 100 - iter
    expect(recs[1].train_loss_ce).toBe(mean([5, 6, 7, 8]));
    expect(recs[1].train_loss_bbox).toBe(5 * mean([2, 2.5, 3, 3.5]));
    expect(recs[1].train_class_error).toBe(mean([40, 50, 60, 70]));
    expect(recs[1].train_lr).toBe(1e-5);
    expect(recs[0]).not.toHaveProperty('test_coco_eval_bbox');
    expect(recs[1].test_coco_eval_bbox).toEqual(COCO_STAT_NAMES.map((_, k) => k / 100));
    let n = 0;
    for (const [, v] of parts.model.namedParameters()) if (v.trainable) n += v.size;
    expect(recs[0].n_parameters).toBe(n);
  });

  it('a run checkpointed mid-epoch and resumed writes the straight run\'s lines', async () => {
    const straight: string[] = [];
    const a = withLosses(loopTrainer(cfg, parts, 8, 4));
    a.registerHooks([evalAtEpochEnd(), new DetrLogHook((l) => straight.push(l), buildWeightDict(cfg))]);
    await a.train();

    const split: string[] = [];
    let saved: TrainerState | undefined;
    const b = withLosses(loopTrainer(cfg, parts, 6, 4));
    const snap = new CallbackHook('snap', { afterStep: (c) => void (c.iter === 5 ? (saved = b.stateDict()) : undefined) });
    b.registerHooks([snap, evalAtEpochEnd(), new DetrLogHook((l) => split.push(l), buildWeightDict(cfg))]);
    await b.train();
    expect(saved!.hooks.DetrLog).toMatchObject({ epoch: 1, lastIter: 5 });
    const c = withLosses(loopTrainer(cfg, parts, 8, 4));
    c.registerHooks([evalAtEpochEnd(), new DetrLogHook((l) => split.push(l), buildWeightDict(cfg))]);
    c.loadStateDict(saved!);
    await c.train();
    expect(split).toEqual(straight);
  });
});
