/**
 * buildHooks: the standard hook list of a training run (Detectron2 DefaultTrainer.build_hooks).
 * The order matters and is the registration order below.
 */
import type { DetrConfig } from '../config/config';
import type { AdamW } from './optim/adamw';
import type { Checkpointer, SavedCheckpoint } from './checkpointer';
import type { Evaluator, LineSink } from './ports';
import type { HookBase } from './trainer';
import type { EventWriter } from './writers';
import { IterationTimer } from './hooks/iteration_timer';
import { LRScheduler } from './hooks/lr_scheduler';
import { PeriodicCheckpointer } from './hooks/periodic_checkpointer';
import { EvalHook } from './hooks/eval_hook';
import { PeriodicWriter } from './hooks/periodic_writer';

export interface HookOptions {
  /** Absent: no checkpoints (benchmarks, tests). */
  checkpointer?: Checkpointer;
  onCheckpoint?: (saved: SavedCheckpoint) => void;
  /** Absent: no evaluation (no validation split). */
  evaluator?: Evaluator;
  onEvaluated?: (iteration: number, stats: Record<string, number>) => void;
  writers: EventWriter[];
  /** Iterations between writes (JSONWriter still writes every iteration's line). */
  writePeriod?: number;
  /** Caller's hooks (e.g. CallbackHook), run after evaluation and before the writers. */
  extra?: HookBase[];
  log?: LineSink;
}

export function buildHooks(cfg: DetrConfig, optimizer: AdamW, o: HookOptions): HookBase[] {
  const hooks: HookBase[] = [
    // 1. IterationTimer first: its beforeStep starts the clock before any other hook runs.
    new IterationTimer(o.log),
    // 2. LRScheduler: sets the groups' lrs before the step; puts `lr` after it and steps StepLR at an
    //    epoch's last iteration, before the checkpointer saves the schedule.
    LRScheduler.forOptimizer(optimizer, cfg.lr_drop, cfg.warmup_iters),
  ];
  // 3. PeriodicCheckpointer before EvalHook: the checkpoint exists even if evaluation fails.
  if (o.checkpointer) hooks.push(new PeriodicCheckpointer(o.checkpointer, cfg.checkpoint_period, o.onCheckpoint));
  // 4. EvalHook: puts bbox/AP... at the iteration it evaluated after, before the writers run.
  if (o.evaluator) hooks.push(new EvalHook(o.evaluator, cfg.eval_period, o.onEvaluated));
  // 5. The caller's hooks: they see the iteration's scalars, eval results included.
  hooks.push(...(o.extra ?? []));
  // 6. PeriodicWriter last: each write sees everything the other hooks put during the iteration.
  hooks.push(new PeriodicWriter(o.writers, o.writePeriod ?? 1));
  return hooks;
}
