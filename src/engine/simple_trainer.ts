/**
 * SimpleTrainer (Detectron2 engine/train_loop.py): one iteration of DETR training, as the official
 * engine.py `train_one_epoch` body:
 *
 *   batch = loader.nextBatch()
 *   outputs = model(batch)                 training forward, seeded dropout
 *   indices = criterion.match(outputs)     GPU->CPU sync point 1: the matcher's cost matrices
 *   loss = sum(loss_dict[k] * weight_dict[k])
 *   grads = d loss / d params              one backward (the tape spans the matcher's await)
 *   clip_grad_norm_(grads, clip_max_norm)
 *   scalars = [total, grad_norm, loss_dict...] packed in one tensor
 *                                          GPU->CPU sync point 2: the logged scalars
 *   a non-finite scalar stops here, BEFORE the optimiser step: weights and moments stay untouched
 *   optimizer.step(grads)
 *   storage.putScalars(total_loss, every loss key unscaled, grad_norm, data_time, epoch)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DetrConfig } from '../config/config';
import type { DETR, DetrOutputs } from '../model/detr';
import { NonFiniteCostError, type Indices } from '../model/matcher';
import type { LossDict } from '../model/criterion';
import type { Target } from '../data/types';
import type { SetCriterion } from '../model/criterion';
import type { ForwardContext } from '../model/module';
import { asyncVariableGrads } from '../ops/async_grads';
import type { AdamW } from './optim/adamw';
import { clipGradNorm } from './optim/clip_grad_norm';
import { DropoutSeeds, type DropoutSeedsState } from './dropout_seeds';
import type { BatchLoader, Clock } from './ports';
import { TrainerBase, type TrainerState } from './trainer';

export type StepPhase = 'data' | 'forward' | 'matcher' | 'backward' | 'readback' | 'optimizer';

/**
 * Optional timing probe (src/bench): called at the end of each phase, with a tensor whose completion
 * marks the end of the phase's device work. In normal runs there is none, and no extra readback.
 */
export interface StepProfiler {
  mark(phase: StepPhase, done?: tf.Tensor): Promise<void>;
}

/** A loss (or the gradient norm) is NaN or infinite: the step was not applied. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly key: string,
    readonly value: number,
    readonly iteration: number,
  ) {
    super(
      `${key} is ${value} at iteration ${iteration}: training stopped before the optimiser step, so the weights and ` +
        `optimiser state are those after iteration ${iteration - 1}. Lower lr or clip_max_norm, check the data for ` +
        `degenerate boxes, or resume from the last checkpoint.`,
    );
    this.name = 'NonFiniteLossError';
  }
}

export interface SimpleTrainerOptions {
  model: DETR;
  criterion: SetCriterion;
  optimizer: AdamW;
  loader: BatchLoader;
  config: DetrConfig;
  clock: Clock;
  maxIter: number;
  startIter?: number;
  profiler?: StepProfiler;
}

interface SimpleTrainerState extends TrainerState {
  dropout_seeds: DropoutSeedsState;
  data: unknown;
}

export class SimpleTrainer extends TrainerBase {
  readonly criterion: SetCriterion;
  readonly loader: BatchLoader;
  readonly seeds: DropoutSeeds;
  profiler?: StepProfiler;

  constructor(o: SimpleTrainerOptions) {
    super(o.model, o.optimizer, o.config, o.clock, o.maxIter, o.loader.batchesPerEpoch, o.startIter ?? 0);
    this.criterion = o.criterion;
    this.loader = o.loader;
    this.seeds = new DropoutSeeds(o.config.seed);
    this.profiler = o.profiler;
  }

  async runStep(): Promise<void> {
    const t0 = this.clock.now();
    const batch = await this.loader.nextBatch();
    const dataTime = this.clock.now() - t0;
    await this.profiler?.mark('data');

    const fctx: ForwardContext = { training: true, nextSeed: () => this.seeds.next() };
    let failure: unknown;
    const { value: total, grads, kept: losses } = await asyncVariableGrads(async () => {
      const outputs = this.model.call(batch, fctx);
      await this.profiler?.mark('forward', outputs.pred_logits);
      let indices: Indices[];
      try {
        indices = (await this.match(outputs, batch.targets)).indices;
      } catch (e) {
        // End the tape normally (a loss unconnected to the parameters) so that it frees what it saved.
        failure = e;
        return { loss: tf.scalar(0), keep: {} as LossDict };
      }
      await this.profiler?.mark('matcher');
      const { losses, total } = this.criterion.losses(outputs, batch.targets, indices);
      return { loss: total, keep: losses };
    }, this.optimizer.variables());
    if (failure) {
      tf.dispose([total, grads]);
      throw failure;
    }

    const names = this.optimizer.params().map((p) => p.name);
    let clipped: tf.Tensor[] = [];
    let host: Float32Array;
    const keys = Object.keys(losses);
    try {
      await this.each((h, c) => h.afterBackward(c, grads.map((grad, i) => ({ name: names[i], grad }))));
      const clip = clipGradNorm(grads, this.config.clip_max_norm);
      clipped = clip.grads;
      tf.dispose(grads);
      await this.profiler?.mark('backward', clip.totalNorm);
      const packed = tf.tidy(() => tf.stack([total, clip.totalNorm, ...keys.map((k) => losses[k])]));
      tf.dispose(clip.totalNorm);
      try {
        host = (await packed.data()) as Float32Array; // GPU->CPU sync point: every logged scalar in one transfer
      } finally {
        packed.dispose();
      }
    } catch (e) {
      tf.dispose(clipped);
      throw e;
    } finally {
      tf.dispose([total, losses, grads]);
    }
    await this.profiler?.mark('readback');

    const scalars: Record<string, number> = { total_loss: host[0] };
    keys.forEach((k, i) => (scalars[k] = host[i + 2]));
    scalars.grad_norm = host[1];
    const bad = [...keys, 'total_loss', 'grad_norm'].find((k) => !Number.isFinite(scalars[k]));
    if (bad) {
      tf.dispose(clipped);
      throw new NonFiniteLossError(bad, scalars[bad], this.iter);
    }
    try {
      this.optimizer.step(clipped);
    } finally {
      tf.dispose(clipped);
    }
    const params = this.optimizer.variables();
    await this.profiler?.mark('optimizer', params[params.length - 1]);

    this.storage.putScalars({ ...scalars, data_time: dataTime });
    this.storage.putScalar('epoch', Math.floor(this.iter / this.itersPerEpoch), false);
  }

  /** criterion.match, with a diverged model (NaN outputs make the cost matrix invalid) reported as such. */
  private async match(outputs: DetrOutputs, targets: Target[]): Promise<{ indices: Indices[] }> {
    try {
      return await this.criterion.match(outputs, targets);
    } catch (e) {
      if (e instanceof NonFiniteCostError) throw new NonFiniteLossError('the matcher cost (from the model outputs)', NaN, this.iter);
      throw e;
    }
  }

  override stateDict(): SimpleTrainerState {
    return { ...super.stateDict(), dropout_seeds: this.seeds.stateDict(), data: this.loader.stateDict() };
  }

  override loadStateDict(s: TrainerState): void {
    super.loadStateDict(s);
    const st = s as SimpleTrainerState;
    this.seeds.loadStateDict(st.dropout_seeds);
    this.loader.loadStateDict(st.data);
  }
}
