/**
 * Checkpointer (Detectron2 checkpoint/ + fvcore Checkpointer): snapshots everything an exact resume
 * needs (weights, AdamW moments and steps, the trainer's state: iteration, event history, hook states
 * such as StepLR, dropout seed counter, data sampler position; and the config) into one
 * .safetensors file (checkpoint_format.ts) in a CheckpointStore, keeps the last `maxToKeep`, and
 * restores all of it.
 *
 * Saving reads every weight and moment back from the device: a sync point per tensor, paid only when
 * a checkpoint is taken (never per step).
 */
import type { DetrConfig } from '../config/config';
import type { Module } from '../model/module';
import { loadStateDict, stateDict, type TorchArray } from '../model/state_dict';
import { toModelLayout, toTorchLayout } from './layout';
import type { AdamW } from './optim/adamw';
import type { CheckpointStore } from './ports';
import type { TrainerState } from './trainer';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents } from './checkpoint_format';

/** What the checkpointer saves of the trainer (TrainerBase implements it). */
export interface Checkpointable {
  /** Iterations completed (during afterStep hooks, the current one counts). */
  readonly completed: number;
  readonly itersPerEpoch: number;
  stateDict(): TrainerState;
  loadStateDict(state: TrainerState): void;
}

export interface SavedCheckpoint {
  name: string;
  iteration: number;
  epoch: number;
  sizeBytes: number;
}

export const CHECKPOINT_PATTERN = /^checkpoint_(\d+)\.safetensors$/;

export class Checkpointer {
  constructor(
    readonly model: Module,
    readonly optimizer: AdamW,
    readonly trainer: Checkpointable,
    readonly config: DetrConfig,
    readonly store: CheckpointStore,
    readonly maxToKeep = 3,
  ) {}

  /** Everything to save, read back from the device. */
  async snapshot(): Promise<CheckpointContents> {
    const expAvg = new Map<string, TorchArray>();
    const expAvgSq = new Map<string, TorchArray>();
    for (const p of this.optimizer.params()) {
      const m = this.optimizer.moments(p.name);
      if (m.step === 0) continue; // PyTorch has no state for a parameter before its first step
      expAvg.set(p.name, toTorchLayout(p.name, p.variable, (await m.expAvg.data()) as Float32Array)); // GPU->CPU sync point: checkpoint
      expAvgSq.set(p.name, toTorchLayout(p.name, p.variable, (await m.expAvgSq.data()) as Float32Array)); // GPU->CPU sync point: checkpoint
    }
    const iteration = this.trainer.completed;
    return {
      iteration,
      epoch: Math.floor(iteration / this.trainer.itersPerEpoch),
      config: this.config,
      model: await stateDict(this.model),
      optimizer: this.optimizer.hostState(),
      expAvg,
      expAvgSq,
      trainer: this.trainer.stateDict(),
    };
  }

  /** Saves `<baseName>.safetensors`, points `last_checkpoint` at it and prunes old periodic checkpoints. */
  async save(baseName: string): Promise<SavedCheckpoint> {
    const c = await this.snapshot();
    const parts = encodeCheckpoint(c);
    const name = `${baseName}.safetensors`;
    await this.store.save(name, parts);
    await this.store.setLatest(name);
    await this.prune(name);
    return { name, iteration: c.iteration, epoch: c.epoch, sizeBytes: parts.reduce((s, p) => s + p.length, 0) };
  }

  private async prune(keep: string): Promise<void> {
    const periodic = (await this.store.list()).filter((n) => CHECKPOINT_PATTERN.test(n)).sort();
    const excess = periodic.length - this.maxToKeep;
    for (const n of periodic.slice(0, Math.max(0, excess))) if (n !== keep) await this.store.remove(n);
  }

  /** Restores weights, optimizer and trainer state from checkpoint bytes. Returns what was read. */
  restore(bytes: Uint8Array, file = 'checkpoint.safetensors'): CheckpointContents {
    const c = decodeCheckpoint(bytes, file);
    loadStateDict(this.model, c.model, { allowMissing: false, allowHeadMismatch: false });
    const vars = new Map(this.optimizer.params().map((p) => [p.name, p.variable]));
    this.optimizer.loadState(c.optimizer, (name) => {
      const m = c.expAvg.get(name);
      const v = c.expAvgSq.get(name);
      if (!m || !v) return undefined;
      const variable = vars.get(name)!;
      return { expAvg: toModelLayout(name, variable, m, `${file}: optimizer exp_avg`), expAvgSq: toModelLayout(name, variable, v, `${file}: optimizer exp_avg_sq`) };
    });
    this.trainer.loadStateDict(c.trainer);
    if (this.trainer.completed !== c.iteration) throw new Error(`${file}: iteration ${c.iteration} in the metadata but ${this.trainer.completed} in the trainer state`);
    return c;
  }

  /** Loads the checkpoint `last_checkpoint` points at; undefined when the store has none. */
  async resumeLatest(): Promise<CheckpointContents | undefined> {
    const name = await this.store.getLatest();
    if (!name) return undefined;
    return this.restore(await this.store.load(name), name);
  }
}
