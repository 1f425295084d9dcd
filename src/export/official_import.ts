/**
 * Coming back: the `checkpoint.pth` the official main.py writes after each epoch
 * ({model, optimizer, lr_scheduler, epoch, args}) -> a studio training checkpoint
 * (engine/checkpoint_format.ts), so that `train --resume checkpoint.pth` continues the run here:
 *
 *   model         official state_dict; a 92-output head we widened is narrowed back (class_head.ts)
 *   optimizer     AdamW state by parameter index -> by name, through the session's own param groups
 *                 (the same order main.py builds), moments of class_embed narrowed with the head
 *   lr_scheduler  StepLR -> the LRScheduler hook's state
 *   epoch e       (completed) -> iteration (e + 1) * itersPerEpoch, the data sampler at epoch e + 1
 *
 * The template comes from the freshly built session (engine/commands.ts ResumeTemplate): its trainer
 * state supplies what the official file has no counterpart for (dropout seed counter, event history,
 * other hooks), with the iteration, scheduler and data epoch set from the file.
 */
import type { DetrConfig } from '../config/config';
import type { CheckpointContents } from '../engine/checkpoint_format';
import type { ResumeTemplate } from '../engine/commands';
import type { AdamWHostState } from '../engine/optim/adamw';
import type { StepLRState } from '../engine/optim/step_lr';
import type { LoaderState } from '../data/loader';
import type { TorchArray } from '../model/state_dict';
import { dictEntries, isRawTensor, keyText, pyGet, type PyValue } from '../weights/pth/py_values';
import { toFloat32, type RawTensor } from '../weights/types';
import { fitClassHead, HEAD_NAMES, narrowHeadTensor, OFFICIAL_NUM_CLASSES } from './class_head';

export interface OfficialResume {
  contents: CheckpointContents;
  /** checkpoint['epoch'] (the last completed epoch). */
  epoch: number;
  notes: string[];
}

function num(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'value' in (v as object) && typeof (v as { value: unknown }).value === 'number') return (v as { value: number }).value;
  if (isRawTensor(v) && v.data.length === 1) return Number(v.data[0]);
  return undefined;
}

function array(t: PyValue | undefined, what: string): TorchArray {
  if (!isRawTensor(t)) throw new Error(`${what} is not a tensor`);
  return { shape: [...t.shape], data: t.dtype === 'float32' ? (t.data as Float32Array) : toFloat32(t as RawTensor) };
}

function list(v: PyValue | undefined): PyValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && 'items' in v && Array.isArray((v as { items: unknown }).items)) return (v as { items: PyValue[] }).items;
  return undefined;
}

/** True when a .pth root looks like main.py's training checkpoint (not a weights-only file). */
export function isOfficialTrainingCheckpoint(root: PyValue): boolean {
  const keys = (dictEntries(root) ?? []).map(([k]) => k);
  return ['model', 'optimizer', 'lr_scheduler', 'epoch'].every((k) => keys.includes(k));
}

/** The official state dict of a checkpoint root (a DDP 'module.' prefix removed). */
export function officialStateDict(root: PyValue, file: string): Map<string, TorchArray> {
  const entries = dictEntries(pyGet(root, 'model'));
  if (!entries) throw new Error(`${file}: no 'model' state dict`);
  const sd = new Map<string, TorchArray>();
  for (const [k, v] of entries) sd.set(keyText(k), array(v, `${file}: model["${keyText(k)}"]`));
  if ([...sd.keys()].every((k) => k.startsWith('module.'))) return new Map([...sd].map(([k, a]) => [k.slice(7), a]));
  return sd;
}

/** Config values that differ from the checkpoint's `args` (keys main.py has flags for). */
function argDifferences(root: PyValue, cfg: DetrConfig): string[] {
  const args = pyGet(root, 'args');
  const out: string[] = [];
  for (const key of ['lr', 'lr_backbone', 'weight_decay', 'lr_drop', 'batch_size', 'clip_max_norm', 'hidden_dim', 'num_queries', 'dec_layers', 'enc_layers', 'backbone'] as const) {
    const v = pyGet(args, key);
    const val = typeof v === 'string' ? v : num(v);
    if (val !== undefined && val !== cfg[key]) out.push(`${key} ${val} -> ${cfg[key]}`);
  }
  return out;
}

/** main.py's checkpoint -> our training checkpoint, for the session described by `t`. */
export function officialToCheckpoint(root: PyValue, t: ResumeTemplate, file = 'checkpoint.pth'): OfficialResume {
  if (!isOfficialTrainingCheckpoint(root)) {
    throw new Error(`${file}: not a training checkpoint of the official main.py (it needs model, optimizer, lr_scheduler and epoch; a weights-only file goes to --weights)`);
  }
  const cfg = t.config;
  const notes: string[] = [];
  const epoch = num(pyGet(root, 'epoch'));
  if (epoch === undefined || !Number.isInteger(epoch) || epoch < -1) throw new Error(`${file}: 'epoch' must be an integer, got ${String(pyGet(root, 'epoch'))}`);

  // Weights, head narrowed when it is one we widened.
  let sd = officialStateDict(root, file);
  const fit = fitClassHead(sd, cfg.num_classes);
  sd = fit.tensors;
  const narrowed = fit.note !== undefined;
  if (fit.note) notes.push(fit.note);
  const headRows = sd.get('class_embed.bias')?.shape[0];
  if (headRows !== undefined && headRows !== cfg.num_classes + 1) {
    throw new Error(`${file}: its class head has ${headRows - 1} classes with trained rows above ${cfg.num_classes - 1}; set "num_classes": ${headRows - 1} in the config to continue with them`);
  }

  // Optimizer: indices -> names through our groups (main.py's order).
  const groups = list(pyGet(root, 'optimizer', 'param_groups'));
  if (!groups) throw new Error(`${file}: optimizer has no param_groups`);
  if (groups.length !== t.paramGroups.length) throw new Error(`${file}: optimizer has ${groups.length} param groups, this model ${t.paramGroups.length}`);
  const host: AdamWHostState = { param_groups: [], step: {} };
  const byIndex = new Map<number, string>();
  groups.forEach((g, gi) => {
    const params = list(pyGet(g, 'params')) ?? [];
    const names = t.paramGroups[gi];
    if (params.length !== names.length) {
      throw new Error(`${file}: optimizer param group ${gi} has ${params.length} parameters, this model's has ${names.length} (check lr_backbone: 0 freezes the backbone, and the model config)`);
    }
    params.forEach((p, i) => byIndex.set(num(p)!, names[i]));
    const betas = list(pyGet(g, 'betas'))?.map((b) => num(b)!) ?? [0.9, 0.999];
    host.param_groups.push({ lr: num(pyGet(g, 'lr'))!, weight_decay: num(pyGet(g, 'weight_decay'))!, betas: [betas[0], betas[1]], eps: num(pyGet(g, 'eps'))!, params: names });
  });
  const expAvg = new Map<string, TorchArray>();
  const expAvgSq = new Map<string, TorchArray>();
  for (const [k, s] of dictEntries(pyGet(root, 'optimizer', 'state')) ?? []) {
    const name = byIndex.get(num(k as PyValue)!);
    if (name === undefined) throw new Error(`${file}: optimizer state for parameter index ${keyText(k)}, which no param group lists`);
    const step = num(pyGet(s, 'step'));
    if (step === undefined) throw new Error(`${file}: optimizer state ${keyText(k)} (${name}) has no step`);
    let m = array(pyGet(s, 'exp_avg'), `${file}: optimizer state ${keyText(k)} exp_avg`);
    let v = array(pyGet(s, 'exp_avg_sq'), `${file}: optimizer state ${keyText(k)} exp_avg_sq`);
    if (narrowed && (HEAD_NAMES as readonly string[]).includes(name)) {
      m = narrowHeadTensor(m, cfg.num_classes, OFFICIAL_NUM_CLASSES);
      v = narrowHeadTensor(v, cfg.num_classes, OFFICIAL_NUM_CLASSES);
    }
    const want = sd.get(name)?.shape;
    if (!want || want.join() !== m.shape.join()) throw new Error(`${file}: optimizer state ${keyText(k)} (${name}) has shape [${m.shape}], the parameter [${want ?? '?'}] (is the param order another model's?)`);
    host.step[name] = step;
    expAvg.set(name, m);
    expAvgSq.set(name, v);
  }

  // Scheduler and epoch.
  const ls = pyGet(root, 'lr_scheduler');
  const sched: StepLRState = {
    last_epoch: num(pyGet(ls, 'last_epoch'))!,
    base_lrs: (list(pyGet(ls, 'base_lrs')) ?? []).map((x) => num(x)!),
    step_size: num(pyGet(ls, 'step_size'))!,
    gamma: num(pyGet(ls, 'gamma')) ?? 0.1,
  };
  if (!Number.isInteger(sched.last_epoch) || !Number.isInteger(sched.step_size)) throw new Error(`${file}: lr_scheduler is not a StepLR state (last_epoch, step_size, base_lrs, gamma)`);
  const start = epoch + 1;
  if (sched.last_epoch !== start) notes.push(`lr_scheduler.last_epoch ${sched.last_epoch} differs from epoch + 1 = ${start}`);
  const iteration = start * t.itersPerEpoch;
  const diffs = argDifferences(root, cfg);
  if (diffs.length) notes.push(`the config differs from the checkpoint's args: ${diffs.join(', ')}`);

  const data = t.trainer.data as LoaderState | undefined;
  const trainer = {
    ...t.trainer,
    iteration,
    storage: { ...t.trainer.storage, iter: iteration },
    hooks: { ...t.trainer.hooks, LRScheduler: sched },
    data: data?.sampler ? { ...data, sampler: { ...data.sampler, epoch: start, index: 0 } } : data,
  };
  return {
    epoch,
    notes,
    contents: { iteration, epoch: start, config: cfg, model: sd, optimizer: host, expAvg, expAvgSq, trainer },
  };
}
