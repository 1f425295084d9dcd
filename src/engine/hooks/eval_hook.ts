/**
 * EvalHook (Detectron2 hooks.py): runs the evaluator (COCO box AP on the validation split) every
 * `eval_period` iterations (0: never by period), at the end of every epoch (as the official
 * main.py evaluates after each epoch) and at the last iteration. Results are put as scalars
 * `bbox/AP`, `bbox/AP50`, ... at the iteration they were computed after, and handed to `onEvaluated`.
 * Everything happens in afterStep, so a PeriodicWriter registered later writes them with that iteration.
 */
import { HookBase, type TrainerContext } from '../trainer';
import type { Evaluator } from '../ports';

export class EvalHook extends HookBase {
  readonly name = 'EvalHook';

  constructor(
    private readonly evaluator: Evaluator,
    readonly period: number,
    private readonly onEvaluated?: (iteration: number, stats: Record<string, number>) => void,
    readonly atEpochEnd = true,
  ) {
    super();
    if (!(Number.isInteger(period) && period >= 0)) throw new Error(`EvalHook: eval_period must be an integer >= 0, got ${period}`);
  }

  /** Whether the hook evaluates after iteration `iter` (0-based). */
  static evaluatesAt(iter: number, period: number, maxIter: number, itersPerEpoch: number, atEpochEnd = true): boolean {
    const next = iter + 1;
    return (period > 0 && next % period === 0) || (atEpochEnd && next % itersPerEpoch === 0) || next === maxIter;
  }

  override async afterStep(ctx: TrainerContext): Promise<void> {
    if (!EvalHook.evaluatesAt(ctx.iter, this.period, ctx.maxIter, ctx.itersPerEpoch, this.atEpochEnd)) return;
    const stats = await this.evaluator.evaluate(ctx.model);
    for (const [k, v] of Object.entries(stats)) ctx.storage.putScalar(`bbox/${k}`, v, false);
    this.onEvaluated?.(ctx.iter, stats);
  }
}
