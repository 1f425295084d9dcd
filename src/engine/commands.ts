/**
 * Training as functions, driven by the CLI (src/cli/train.ts) and the page's worker. A session builds
 * everything from the config (model, criterion, AdamW with DETR's groups, SimpleTrainer, the standard
 * hooks), loads initial weights or resumes a checkpoint, and then runs step by step (the worker) or
 * to the end (`train`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DetrConfig } from '../config/config';
import { buildCriterion, buildModel } from '../model/build';
import type { DETR } from '../model/detr';
import { loadStateDict, stateDict, type LoadReport, type TorchArray } from '../model/state_dict';
import { writeSafetensors } from '../weights/safetensors';
import type { TensorMap } from '../weights/types';
import { AdamW, detrParamGroups } from './optim/adamw';
import { Checkpointer, type SavedCheckpoint } from './checkpointer';
import { encodeCheckpoint, type CheckpointContents } from './checkpoint_format';
import type { BatchLoader, CheckpointStore, Clock, Evaluator, LineSink } from './ports';
import { SimpleTrainer, type StepProfiler } from './simple_trainer';
import { TrainControl, type HookBase, type RunStatus, type TrainerState } from './trainer';
import { buildHooks } from './build_hooks';
import type { EventWriter } from './writers';

export interface TrainOptions {
  config: DetrConfig;
  loader: BatchLoader;
  clock: Clock;
  writers: EventWriter[];
  /** Where checkpoints go; absent: none are written. */
  store?: CheckpointStore;
  /** Keep the last N periodic checkpoints (default 3). */
  maxToKeep?: number;
  /** Initial weights (official names) and the file they came from (--weights); ignored when resuming. */
  weights?: { tensors: Map<string, TorchArray>; name: string };
  /**
   * Checkpoint bytes to resume from (--resume), with its name for messages; or a converter that
   * makes them from a foreign checkpoint (the official main.py's, src/export/official_import.ts)
   * given the freshly built session's structure.
   */
  resume?: { bytes: Uint8Array; name: string } | { name: string; convert: (t: ResumeTemplate) => Uint8Array };
  /** Stop after this many iterations in all (default: epochs x iterations per epoch). */
  maxIter?: number;
  evaluator?: Evaluator;
  onCheckpoint?: (saved: SavedCheckpoint) => void;
  onEvaluated?: (iteration: number, stats: Record<string, number>) => void;
  extraHooks?: HookBase[];
  writePeriod?: number;
  log?: LineSink;
  profiler?: StepProfiler;
}

/** What a foreign checkpoint needs from a freshly built session to become one of ours. */
export interface ResumeTemplate {
  config: DetrConfig;
  /** Optimised parameter names per AdamW param group, in order (main.py's order). */
  paramGroups: string[][];
  /** The fresh trainer's state (iteration 0): hooks, dropout seeds, data sampler. */
  trainer: TrainerState;
  itersPerEpoch: number;
}

export interface TrainingSession {
  readonly model: DETR;
  readonly optimizer: AdamW;
  readonly trainer: SimpleTrainer;
  readonly checkpointer?: Checkpointer;
  /** What loading the initial weights reported (undefined when none or when resuming). */
  readonly weightsReport?: LoadReport;
  /** The checkpoint resumed from, if any. */
  readonly resumed?: CheckpointContents;
  /** A checkpoint of the state right now, as .safetensors parts (the page's export-checkpoint). */
  checkpointParts(): Promise<Uint8Array[]>;
  /** The weights right now, official names (model_final.safetensors, the page's export-weights). */
  weightsParts(): Promise<Uint8Array[]>;
  dispose(): void;
}

/** Config keys whose change makes a checkpoint's optimizer state or schedule mean something else. */
const RESUME_SENSITIVE: readonly (keyof DetrConfig)[] = ['lr', 'lr_backbone', 'weight_decay', 'lr_drop', 'batch_size', 'augment', 'seed'];

export function createTrainingSession(o: TrainOptions): TrainingSession {
  const cfg = o.config;
  const model = buildModel(cfg);
  let optimizer: AdamW | undefined;
  try {
    const named = model.namedParameters().map(([name, variable]) => ({ name, variable }));
    optimizer = new AdamW(detrParamGroups(named, cfg.lr, cfg.lr_backbone, cfg.weight_decay));
    const maxIter = o.maxIter ?? cfg.epochs * o.loader.batchesPerEpoch;
    const trainer = new SimpleTrainer({ model, criterion: buildCriterion(cfg), optimizer, loader: o.loader, config: cfg, clock: o.clock, maxIter, profiler: o.profiler });
    const checkpointer = o.store ? new Checkpointer(model, optimizer, trainer, cfg, o.store, o.maxToKeep ?? 3) : undefined;
    trainer.registerHooks(
      buildHooks(cfg, optimizer, {
        checkpointer,
        onCheckpoint: o.onCheckpoint,
        evaluator: o.evaluator,
        onEvaluated: o.onEvaluated,
        writers: o.writers,
        writePeriod: o.writePeriod,
        extra: o.extraHooks,
        log: o.log,
      }),
    );
    let weightsReport: LoadReport | undefined;
    let resumed: CheckpointContents | undefined;
    const snapshotter = checkpointer ?? new Checkpointer(model, optimizer, trainer, cfg, nullStore(), 1);
    if (o.resume) {
      const bytes =
        'bytes' in o.resume
          ? o.resume.bytes
          : o.resume.convert({ config: cfg, paramGroups: optimizer.groups.map((g) => g.params.map((p) => p.name)), trainer: trainer.stateDict(), itersPerEpoch: o.loader.batchesPerEpoch });
      resumed = snapshotter.restore(bytes, o.resume.name);
      const changed = RESUME_SENSITIVE.filter((k) => resumed!.config[k] !== cfg[k]);
      if (changed.length) o.log?.(`note: resuming ${o.resume.name} with a config that differs in ${changed.map((k) => `${k} (${resumed!.config[k]} -> ${cfg[k]})`).join(', ')}`);
      o.log?.(`resumed ${o.resume.name} at iteration ${resumed.iteration} (epoch ${resumed.epoch})`);
    } else if (o.weights) {
      try {
        weightsReport = loadStateDict(model, o.weights.tensors);
      } catch (e) {
        throw new Error(`${o.weights.name}: ${(e as Error).message}`);
      }
      for (const n of weightsReport.notes) o.log?.(n);
    }
    const opt = optimizer;
    return {
      model, optimizer: opt, trainer, checkpointer, weightsReport, resumed,
      checkpointParts: async () => encodeCheckpoint(await snapshotter.snapshot()),
      weightsParts: () => encodeWeights(model),
      dispose() {
        opt.dispose();
        model.dispose();
      },
    };
  } catch (e) {
    optimizer?.dispose();
    model.dispose();
    throw e;
  }
}

function nullStore(): CheckpointStore {
  const fail = async (): Promise<never> => {
    throw new Error('no checkpoint store');
  };
  return { save: fail, load: fail, list: async () => [], remove: fail, setLatest: fail, getLatest: async () => undefined };
}

/** The model's weights as a .safetensors file (official names and layouts: model_final.safetensors). */
export async function encodeWeights(model: DETR): Promise<Uint8Array[]> {
  const tensors: TensorMap = new Map();
  for (const [k, a] of await stateDict(model)) tensors.set(k, { dtype: 'float32', shape: a.shape, data: a.data });
  return writeSafetensors(tensors, { format: 'pt' });
}

export interface TrainResult {
  status: RunStatus;
  /** Iterations completed. */
  iterations: number;
  session: TrainingSession;
}

/** Builds a session and trains until maxIter or `control.stop()`. The caller disposes `session`. */
export async function train(o: TrainOptions, control = new TrainControl()): Promise<TrainResult> {
  const session = createTrainingSession(o);
  const before = tf.memory().numTensors;
  try {
    const status = await session.trainer.train(control);
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) o.log?.(`warning: ${leaked} tensors were not freed during training`);
    return { status, iterations: session.trainer.iter, session };
  } catch (e) {
    session.dispose();
    throw e;
  }
}
