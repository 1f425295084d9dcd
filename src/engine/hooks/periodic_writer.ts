/**
 * PeriodicWriter (Detectron2 hooks.py): calls every writer each `period` iterations, at the last
 * iteration, and once more at the end of training (after a stop too), then closes them. Register it
 * last, so that each write sees what every other hook put during the iteration.
 */
import { HookBase, type TrainerContext } from '../trainer';
import type { EventWriter } from '../writers';

export class PeriodicWriter extends HookBase {
  readonly name = 'PeriodicWriter';
  private lastWritten = -1;

  constructor(
    private readonly writers: readonly EventWriter[],
    readonly period = 20,
  ) {
    super();
    if (!(Number.isInteger(period) && period >= 1)) throw new Error(`PeriodicWriter: period must be an integer >= 1, got ${period}`);
  }

  /** Whether iteration `iter` (0-based) of a run ending at `maxIter` writes. */
  static writesAt(iter: number, period: number, maxIter: number): boolean {
    return (iter + 1) % period === 0 || iter === maxIter - 1;
  }

  override beforeTrain(ctx: TrainerContext): void {
    for (const w of this.writers) w.open?.(ctx.iter);
  }

  override afterStep(ctx: TrainerContext): void {
    if (PeriodicWriter.writesAt(ctx.iter, this.period, ctx.maxIter)) this.writeAll(ctx);
  }

  override afterTrain(ctx: TrainerContext): void {
    if (ctx.storage.iter > this.lastWritten && ctx.iter > ctx.startIter) this.writeAll(ctx);
    for (const w of this.writers) w.close?.();
  }

  private writeAll(ctx: TrainerContext): void {
    for (const w of this.writers) w.write(ctx.storage, { maxIter: ctx.maxIter });
    this.lastWritten = ctx.storage.iter;
  }
}
