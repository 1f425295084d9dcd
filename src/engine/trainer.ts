/**
 * The training loop, Detectron2's way (engine/train_loop.py): TrainerBase knows only the loop and
 * its hooks; SimpleTrainer.runStep does one iteration (data, forward, match, loss, backward, clip,
 * optimiser step, putScalars). LR schedule, checkpoints, evaluation, timing and writers are hooks.
 *
 * Hook lifecycle, for a run of iterations [startIter, maxIter):
 *   beforeTrain
 *   for each iteration:  beforeEpoch (first iteration of an epoch)  beforeStep
 *                        runStep (calls afterBackward with the gradients)  afterStep
 *                        afterEpoch (last iteration of an epoch)
 *   afterTrain          (always, also after a stop or a failure; ctx.status says which)
 * Hooks see a narrow TrainerContext, never the trainer.
 *
 * Readbacks: runStep has exactly two GPU->CPU sync points, the matcher's cost matrices (inside
 * criterion.match) and one packed tensor of every logged scalar.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DetrConfig } from '../config/config';
import type { DETR } from '../model/detr';
import type { AdamW } from './optim/adamw';
import { EventStorage } from './events';
import type { Clock } from './ports';

export type RunStatus = 'running' | 'finished' | 'stopped' | 'failed';

export interface NamedGradient {
  name: string;
  grad: tf.Tensor;
}

/** What hooks may see and use. `iter` is the current iteration (0-based); in afterTrain, the number completed. */
export interface TrainerContext {
  readonly iter: number;
  readonly startIter: number;
  readonly maxIter: number;
  /** Epoch of `iter`: floor(iter / itersPerEpoch). */
  readonly epoch: number;
  readonly itersPerEpoch: number;
  readonly storage: EventStorage;
  readonly model: DETR;
  readonly optimizer: AdamW;
  readonly config: DetrConfig;
  readonly clock: Clock;
  readonly status: RunStatus;
}

/** Detectron2's HookBase: every method is optional work around the loop. */
export abstract class HookBase {
  beforeTrain(_ctx: TrainerContext): void | Promise<void> {}
  afterTrain(_ctx: TrainerContext): void | Promise<void> {}
  beforeEpoch(_ctx: TrainerContext): void | Promise<void> {}
  afterEpoch(_ctx: TrainerContext): void | Promise<void> {}
  beforeStep(_ctx: TrainerContext): void | Promise<void> {}
  /**
   * Between backward and clipping, with every optimised parameter's gradient (pre-clip, model layout).
   * The tensors belong to the trainer: read them (a debugging readback), never keep or dispose them.
   */
  afterBackward(_ctx: TrainerContext, _grads: readonly NamedGradient[]): void | Promise<void> {}
  afterStep(_ctx: TrainerContext): void | Promise<void> {}
  /** Hooks holding state return it here (JSON); it travels in the checkpoint under the hook's name. */
  stateDict(): unknown {
    return undefined;
  }
  loadStateDict(_state: unknown): void {}
  /** Stable key for the hook's state in checkpoints. */
  abstract readonly name: string;
}

/** Pause / resume / stop between iterations (the worker's commands; SIGINT in the CLI). */
export class TrainControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
  get stopRequested(): boolean {
    return this.stopped;
  }
  get isPaused(): boolean {
    return this.wake !== null;
  }
  /** Resolves when the loop may run the next iteration: false when a stop was requested. */
  async gate(onPause?: () => void): Promise<boolean> {
    while (this.paused && !this.stopped) {
      onPause?.();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return !this.stopped;
  }
}

export interface TrainerState {
  /** Iterations completed. */
  iteration: number;
  storage: ReturnType<EventStorage['stateDict']>;
  hooks: Record<string, unknown>;
  [extra: string]: unknown;
}

export abstract class TrainerBase {
  iter: number;
  startIter: number;
  readonly storage: EventStorage;
  protected hooks: HookBase[] = [];
  status: RunStatus = 'running';
  /** True from the end of runStep until `iter` moves on: the current iteration counts as completed. */
  private stepDone = false;

  constructor(
    readonly model: DETR,
    readonly optimizer: AdamW,
    readonly config: DetrConfig,
    readonly clock: Clock,
    public maxIter: number,
    readonly itersPerEpoch: number,
    startIter = 0,
  ) {
    if (!(itersPerEpoch >= 1)) throw new Error(`an epoch must have at least one iteration, got ${itersPerEpoch} (is the dataset smaller than batch_size?)`);
    this.iter = this.startIter = startIter;
    this.storage = new EventStorage(startIter);
  }

  /** Hooks run in registration order (see buildHooks for the order that matters). */
  registerHooks(hooks: readonly HookBase[]): void {
    const names = new Set(this.hooks.map((h) => h.name));
    for (const h of hooks) {
      if (names.has(h.name)) throw new Error(`two hooks named ${h.name}`);
      names.add(h.name);
      this.hooks.push(h);
    }
  }

  get context(): TrainerContext {
    const t = this;
    return {
      get iter() { return t.iter; },
      get startIter() { return t.startIter; },
      get maxIter() { return t.maxIter; },
      get epoch() { return Math.floor(t.iter / t.itersPerEpoch); },
      itersPerEpoch: t.itersPerEpoch,
      storage: t.storage,
      model: t.model,
      optimizer: t.optimizer,
      config: t.config,
      clock: t.clock,
      get status() { return t.status; },
    };
  }

  protected async each(fn: (h: HookBase, ctx: TrainerContext) => void | Promise<void>): Promise<void> {
    const ctx = this.context;
    for (const h of this.hooks) await fn(h, ctx);
  }

  /** beforeTrain hooks; call once before the first `step()`. */
  async start(): Promise<void> {
    this.status = 'running';
    this.startIter = this.iter;
    this.storage.iter = this.iter;
    await this.each((h, c) => h.beforeTrain(c));
  }

  /** One iteration with its hooks; afterwards `iter` is the next iteration's index. */
  async step(): Promise<void> {
    if (this.iter >= this.maxIter) throw new Error(`training already reached max_iter ${this.maxIter}`);
    this.storage.iter = this.iter;
    const firstOfEpoch = this.iter % this.itersPerEpoch === 0;
    const lastOfEpoch = (this.iter + 1) % this.itersPerEpoch === 0;
    try {
      if (firstOfEpoch) await this.each((h, c) => h.beforeEpoch(c));
      await this.each((h, c) => h.beforeStep(c));
      await this.runStep();
      this.stepDone = true;
      await this.each((h, c) => h.afterStep(c));
      if (lastOfEpoch) await this.each((h, c) => h.afterEpoch(c));
    } catch (e) {
      this.status = 'failed';
      throw e;
    } finally {
      if (this.stepDone) this.iter += 1;
      this.stepDone = false;
    }
  }

  /** Iterations whose step has completed (what a checkpoint taken now resumes after). */
  get completed(): number {
    return this.iter + (this.stepDone ? 1 : 0);
  }

  /** afterTrain hooks with the final status. */
  async finish(status: Exclude<RunStatus, 'running'> = this.iter >= this.maxIter ? 'finished' : 'stopped'): Promise<void> {
    this.status = status;
    await this.each((h, c) => h.afterTrain(c));
  }

  /** The whole loop: start, steps until maxIter or a stop, finish (also on failure, then rethrows). */
  async train(control = new TrainControl(), onPause?: () => void): Promise<RunStatus> {
    await this.start();
    try {
      while (this.iter < this.maxIter && (await control.gate(onPause))) await this.step();
    } catch (e) {
      // afterTrain still runs (writers flush); an error there must not hide the one that stopped the run.
      await this.finish('failed').catch(() => undefined);
      throw e;
    }
    await this.finish();
    return this.status;
  }

  abstract runStep(): Promise<void>;

  /** Iteration, event history and every hook's state (the checkpoint's JSON part). */
  stateDict(): TrainerState {
    const hooks: Record<string, unknown> = {};
    for (const h of this.hooks) {
      const s = h.stateDict();
      if (s !== undefined) hooks[h.name] = s;
    }
    return { iteration: this.completed, storage: this.storage.stateDict(), hooks };
  }

  loadStateDict(s: TrainerState): void {
    if (!Number.isInteger(s?.iteration) || s.iteration < 0) throw new Error(`checkpoint: iteration must be a non-negative integer, got ${JSON.stringify(s?.iteration)}`);
    this.iter = this.startIter = s.iteration;
    this.storage.loadStateDict(s.storage);
    this.storage.iter = s.iteration;
    for (const h of this.hooks) if (s.hooks && h.name in s.hooks) h.loadStateDict(s.hooks[h.name]);
  }
}
