/**
 * LRScheduler (Detectron2 hooks.py): sets every param group's lr before each iteration from DETR's
 * StepLR (stepped at each epoch end, as main.py) times the optional linear warm-up, and puts the lr
 * used for the step: `lr` (group 0, as DETR logs `param_groups[0]["lr"]`) and `lr_backbone` (group 1).
 * Its state (StepLR's last_epoch) travels in checkpoints.
 */
import { HookBase, type TrainerContext } from '../trainer';
import { StepLR, type StepLRState } from '../optim/step_lr';
import { warmupFactor } from '../optim/warmup';
import type { AdamW } from '../optim/adamw';

export class LRScheduler extends HookBase {
  readonly name = 'LRScheduler';

  constructor(
    readonly scheduler: StepLR,
    private readonly warmupIters = 0,
  ) {
    super();
  }

  /** The lrs every group uses at iteration `iter`. */
  lrsAt(iter: number): number[] {
    const f = warmupFactor(iter, this.warmupIters);
    return this.scheduler.lrs().map((lr) => lr * f);
  }

  override beforeStep(ctx: TrainerContext): void {
    const lrs = this.lrsAt(ctx.iter);
    ctx.optimizer.groups.forEach((g, i) => (g.lr = lrs[i]));
  }

  /**
   * Puts the lrs, and at an epoch's last iteration steps StepLR here rather than in afterEpoch: a
   * checkpoint taken by a later hook in this afterStep must already hold the stepped schedule.
   */
  override afterStep(ctx: TrainerContext): void {
    const groups = ctx.optimizer.groups;
    ctx.storage.putScalar('lr', groups[0].lr, false);
    if (groups.length > 1) ctx.storage.putScalar('lr_backbone', groups[1].lr, false);
    if ((ctx.iter + 1) % ctx.itersPerEpoch === 0) this.scheduler.step();
  }

  override stateDict(): StepLRState {
    return this.scheduler.stateDict();
  }

  override loadStateDict(state: unknown): void {
    this.scheduler.loadStateDict(state as StepLRState);
  }

  /** DETR's scheduler for this optimizer: StepLR(lr_drop) over the groups' initial lrs. */
  static forOptimizer(optimizer: AdamW, lrDrop: number, warmupIters: number): LRScheduler {
    return new LRScheduler(new StepLR(optimizer.groups.map((g) => g.lr), lrDrop), warmupIters);
  }
}
