/**
 * IterationTimer (Detectron2 hooks.py): puts `time`, the wall time of each iteration in seconds
 * (the step and every hook registered after this one), and logs the run's total at the end.
 * Register it first, so that its beforeStep runs before every other hook's.
 */
import { HookBase, type TrainerContext } from '../trainer';
import { formatDuration } from '../writers';
import type { LineSink } from '../ports';

export class IterationTimer extends HookBase {
  readonly name = 'IterationTimer';
  private stepStart = 0;
  private trainStart = 0;
  private steps = 0;
  private stepSeconds = 0;

  constructor(private readonly log?: LineSink) {
    super();
  }

  override beforeTrain(ctx: TrainerContext): void {
    this.trainStart = ctx.clock.now();
    this.steps = 0;
    this.stepSeconds = 0;
  }

  override beforeStep(ctx: TrainerContext): void {
    this.stepStart = ctx.clock.now();
  }

  override afterStep(ctx: TrainerContext): void {
    const seconds = ctx.clock.now() - this.stepStart;
    this.steps += 1;
    this.stepSeconds += seconds;
    ctx.storage.putScalar('time', seconds);
  }

  override afterTrain(ctx: TrainerContext): void {
    if (!this.log || this.steps === 0) return;
    const total = ctx.clock.now() - this.trainStart;
    this.log(`Overall training speed: ${this.steps} iterations in ${formatDuration(this.stepSeconds)} (${(this.stepSeconds / this.steps).toFixed(4)} s / it)`);
    this.log(`Total training time: ${formatDuration(total)} (${formatDuration(total - this.stepSeconds)} on hooks)`);
  }
}
