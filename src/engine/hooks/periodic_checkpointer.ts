/**
 * PeriodicCheckpointer (Detectron2 hooks.py + checkpoint.PeriodicCheckpointer): saves a resumable
 * checkpoint after every `checkpoint_period` iterations and when training ends (finished or stopped,
 * not failed), named by the number of iterations completed (`checkpoint_0000500.safetensors`),
 * keeping the last `maxToKeep`. The Checkpointer holds what is saved.
 */
import { HookBase, type TrainerContext } from '../trainer';
import type { Checkpointer, SavedCheckpoint } from '../checkpointer';

export class PeriodicCheckpointer extends HookBase {
  readonly name = 'PeriodicCheckpointer';
  private lastSaved = -1;

  constructor(
    private readonly checkpointer: Checkpointer,
    readonly period: number,
    private readonly onSaved?: (saved: SavedCheckpoint) => void,
  ) {
    super();
    if (!(Number.isInteger(period) && period >= 1)) throw new Error(`PeriodicCheckpointer: checkpoint_period must be an integer >= 1, got ${period}`);
  }

  /** Whether a checkpoint is saved after iteration `iter` (0-based) during the run (the end adds one). */
  static savesAt(iter: number, period: number): boolean {
    return (iter + 1) % period === 0;
  }

  override beforeTrain(ctx: TrainerContext): void {
    this.lastSaved = ctx.iter;
  }

  override async afterStep(ctx: TrainerContext): Promise<void> {
    if (PeriodicCheckpointer.savesAt(ctx.iter, this.period)) await this.save(ctx.iter + 1);
  }

  override async afterTrain(ctx: TrainerContext): Promise<void> {
    if (ctx.status !== 'failed' && ctx.iter !== this.lastSaved) await this.save(ctx.iter);
  }

  private async save(completed: number): Promise<void> {
    const saved = await this.checkpointer.save(`checkpoint_${String(completed).padStart(7, '0')}`);
    this.lastSaved = completed;
    this.onSaved?.(saved);
  }
}
