/**
 * A training checkpoint as ONE .safetensors file: every tensor under a prefix, PyTorch layouts
 * (conv OIHW) and official DETR names, so PyTorch tools can read it:
 *
 *   model.<name>                    weights and buffers (the model_final.safetensors content)
 *   optimizer.exp_avg.<name>        AdamW first moment of each optimised parameter
 *   optimizer.exp_avg_sq.<name>     AdamW second moment
 *
 * and the JSON state in `__metadata__` (safetensors metadata values are strings):
 *
 *   format     "detr-studio-checkpoint"      version  "1"
 *   iteration  iterations completed          epoch    epoch of the next iteration
 *   config     the DetrConfig of the run (JSON)
 *   optimizer  AdamW param groups (lr, weight_decay, betas, eps, parameter names) and step per parameter
 *   trainer    event history, hook states (StepLR), dropout seed counter, data sampler state
 */
import type { DetrConfig } from '../config/config';
import type { TorchArray } from '../model/state_dict';
import type { AdamWHostState } from './optim/adamw';
import type { TrainerState } from './trainer';
import { readSafetensors, writeSafetensors } from '../weights/safetensors';
import { TRAINING_CHECKPOINT_FORMAT } from '../weights/state_dict_file';
import { toFloat32, type TensorMap } from '../weights/types';

export const CHECKPOINT_FORMAT = TRAINING_CHECKPOINT_FORMAT;
export const CHECKPOINT_VERSION = 1;

export interface CheckpointContents {
  iteration: number;
  epoch: number;
  config: DetrConfig;
  /** Official names, PyTorch layout. */
  model: Map<string, TorchArray>;
  optimizer: AdamWHostState;
  /** Official parameter names, PyTorch layout. */
  expAvg: Map<string, TorchArray>;
  expAvgSq: Map<string, TorchArray>;
  trainer: TrainerState;
}

const PREFIX = { model: 'model.', expAvg: 'optimizer.exp_avg.', expAvgSq: 'optimizer.exp_avg_sq.' } as const;

/** The file's parts (header, then each tensor's bytes), to be written one after another. */
export function encodeCheckpoint(c: CheckpointContents): Uint8Array[] {
  const tensors: TensorMap = new Map();
  const add = (prefix: string, m: Map<string, TorchArray>) => {
    for (const [k, a] of m) tensors.set(prefix + k, { dtype: 'float32', shape: a.shape, data: a.data });
  };
  add(PREFIX.model, c.model);
  add(PREFIX.expAvg, c.expAvg);
  add(PREFIX.expAvgSq, c.expAvgSq);
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    version: String(CHECKPOINT_VERSION),
    iteration: String(c.iteration),
    epoch: String(c.epoch),
    config: JSON.stringify(c.config),
    optimizer: JSON.stringify(c.optimizer),
    trainer: JSON.stringify(c.trainer),
  });
}

/** True when safetensors metadata marks a training checkpoint (not a plain weights file). */
export function isCheckpointMetadata(metadata: Record<string, string>): boolean {
  return metadata.format === CHECKPOINT_FORMAT;
}

function parseJson<T>(metadata: Record<string, string>, key: string, file: string): T {
  const text = metadata[key];
  if (text === undefined) throw new Error(`${file}: checkpoint metadata lacks "${key}"`);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file}: checkpoint metadata "${key}" is not valid JSON (${(e as Error).message})`);
  }
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint.safetensors'): CheckpointContents {
  const { tensors, metadata } = readSafetensors(bytes, file);
  if (!isCheckpointMetadata(metadata)) {
    throw new Error(`${file}: not a detr-studio training checkpoint (its safetensors metadata has no format "${CHECKPOINT_FORMAT}"; a weights file goes to --weights, not --resume)`);
  }
  const version = Number(metadata.version);
  if (version !== CHECKPOINT_VERSION) throw new Error(`${file}: checkpoint version ${metadata.version} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  const maps = { model: new Map<string, TorchArray>(), expAvg: new Map<string, TorchArray>(), expAvgSq: new Map<string, TorchArray>() };
  // Longest prefix first: "optimizer.exp_avg_sq." also starts with "optimizer.exp_avg".
  const order = (Object.keys(PREFIX) as (keyof typeof PREFIX)[]).sort((a, b) => PREFIX[b].length - PREFIX[a].length);
  for (const [name, t] of tensors) {
    const which = order.find((k) => name.startsWith(PREFIX[k]));
    if (!which) throw new Error(`${file}: unexpected tensor "${name}" in a checkpoint (expected model.*, optimizer.exp_avg.*, optimizer.exp_avg_sq.*)`);
    maps[which].set(name.slice(PREFIX[which].length), { shape: t.shape, data: t.dtype === 'float32' ? (t.data as Float32Array) : toFloat32(t) });
  }
  const iteration = Number(metadata.iteration);
  if (!Number.isInteger(iteration) || iteration < 0) throw new Error(`${file}: checkpoint metadata "iteration" must be a non-negative integer, got ${JSON.stringify(metadata.iteration)}`);
  return {
    iteration,
    epoch: Number(metadata.epoch),
    config: parseJson<DetrConfig>(metadata, 'config', file),
    model: maps.model,
    optimizer: parseJson<AdamWHostState>(metadata, 'optimizer', file),
    expAvg: maps.expAvg,
    expAvgSq: maps.expAvgSq,
    trainer: parseJson<TrainerState>(metadata, 'trainer', file),
  };
}
