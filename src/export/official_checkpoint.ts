/**
 * A studio training checkpoint (engine/checkpoint_format.ts) as the dict the official main.py saves
 * and resumes from (`torch.save({...}, 'checkpoint.pth')`), plain data only:
 *
 *   model         OrderedDict of the official state_dict (class head widened to 92 outputs, class_head.ts)
 *   optimizer     torch.optim.AdamW.state_dict(): `state` {index: {step: float tensor, exp_avg, exp_avg_sq}}
 *                 keyed by parameter index in main.py's param-group order (group 0: trainable
 *                 non-backbone parameters in named_parameters order, group 1: backbone), and
 *                 `param_groups` [{lr, betas, eps, weight_decay, amsgrad, maximize, foreach,
 *                 capturable, differentiable, fused, initial_lr, params}]
 *   lr_scheduler  StepLR.state_dict()
 *   epoch         the last COMPLETED epoch: main.py resumes at checkpoint['epoch'] + 1
 *   args          vars(args) of main.py (official_args.ts), a plain dict
 *
 * Epochs: our checkpoint's `epoch` is the epoch of the next iteration, i.e. the number of completed
 * epochs when the run stopped at an epoch end; StepLR's last_epoch is that same number (it steps at
 * each epoch end, as main.py's). A run stopped inside an epoch is exported as of its last completed
 * epoch (the official run redoes the unfinished epoch in full) with the weights and moments as they are.
 */
import type { DetrConfig } from '../config/config';
import type { CheckpointContents } from '../engine/checkpoint_format';
import type { StepLRState } from '../engine/optim/step_lr';
import type { TorchArray } from '../model/state_dict';
import { PyDict, PyFloat, PyTuple, type PyValue } from '../weights/pth/py_values';
import type { RawTensor } from '../weights/types';
import { HEAD_BIAS, HEAD_WEIGHT, OFFICIAL_NUM_CLASSES, widenHeadTensor } from './class_head';
import { officialArgs, type JobArgs } from './official_args';

export interface OfficialExportOptions {
  /** Iterations per epoch of the run (len(train images) // batch_size). */
  itersPerEpoch: number;
  /** Paths and launch settings recorded in `args`. */
  job?: JobArgs;
}

export interface OfficialCheckpoint {
  /** The object to torch.save (weights/pth writePth). */
  root: PyDict;
  /** checkpoint['epoch']: main.py starts at epoch + 1. */
  epoch: number;
  /** The learning rates the official run starts with (param groups 0 and 1). */
  lrs: number[];
  /** Whether the class head was widened to 92 outputs. */
  widened: boolean;
  notes: string[];
}

const f32 = (a: TorchArray): RawTensor => ({ dtype: 'float32', shape: [...a.shape], data: a.data });

/** The StepLR state a checkpoint's LRScheduler hook saved. */
export function schedulerState(c: CheckpointContents, file = 'checkpoint'): StepLRState {
  const s = c.trainer.hooks?.LRScheduler as StepLRState | undefined;
  if (!s || !Number.isInteger(s.last_epoch) || !Array.isArray(s.base_lrs)) throw new Error(`${file}: the checkpoint holds no LR scheduler state (hooks.LRScheduler)`);
  return s;
}

/** StepLR's lrs at its last_epoch (closed form, as PyTorch's `_get_closed_form_lr`). */
export function stepLrs(s: StepLRState): number[] {
  const f = s.gamma ** Math.floor(s.last_epoch / s.step_size);
  return s.base_lrs.map((lr) => lr * f);
}

function headTensor(name: string, a: TorchArray, cfg: DetrConfig, moment: boolean): TorchArray {
  if (name === HEAD_WEIGHT) return widenHeadTensor(a, 'weight', cfg.num_classes, moment);
  if (name === HEAD_BIAS) return widenHeadTensor(a, 'bias', cfg.num_classes, moment);
  return a;
}

/** The official checkpoint dict for a studio checkpoint. */
export function toOfficialCheckpoint(c: CheckpointContents, o: OfficialExportOptions): OfficialCheckpoint {
  const cfg = c.config;
  const notes: string[] = [];
  const ipe = o.itersPerEpoch;
  if (!(Number.isInteger(ipe) && ipe >= 1)) throw new Error(`iterations per epoch must be an integer >= 1, got ${ipe}`);
  const widened = cfg.num_classes < OFFICIAL_NUM_CLASSES;
  if (cfg.num_classes > OFFICIAL_NUM_CLASSES) {
    notes.push(`num_classes ${cfg.num_classes} > ${OFFICIAL_NUM_CLASSES}: change models/detr.py build() to "num_classes = ${cfg.num_classes}" before running main.py (see README.md)`);
  }

  // model: official names and order, the head widened.
  const model = new PyDict('collections.OrderedDict');
  for (const [name, a] of c.model) model.set(name, f32(headTensor(name, a, cfg, false)));

  // optimizer: indices over the param groups in order, state only for parameters that stepped.
  const sched = schedulerState(c);
  const lrs = stepLrs(sched);
  const state = new PyDict('dict');
  const groups: PyValue[] = [];
  let index = 0;
  c.optimizer.param_groups.forEach((g, gi) => {
    const params: number[] = [];
    for (const name of g.params) {
      const step = c.optimizer.step[name] ?? 0;
      if (step > 0) {
        const m = c.expAvg.get(name);
        const v = c.expAvgSq.get(name);
        if (!m || !v) throw new Error(`checkpoint: parameter ${name} took ${step} steps but has no AdamW moments`);
        state.set(
          index,
          new PyDict('dict', [
            ['step', { dtype: 'float32', shape: [], data: Float32Array.of(step) } as RawTensor],
            ['exp_avg', f32(headTensor(name, m, cfg, true))],
            ['exp_avg_sq', f32(headTensor(name, v, cfg, true))],
          ]),
        );
      }
      params.push(index++);
    }
    groups.push(
      new PyDict('dict', [
        ['lr', new PyFloat(lrs[gi])],
        ['betas', new PyTuple(g.betas.map((b) => new PyFloat(b)))],
        ['eps', new PyFloat(g.eps)],
        ['weight_decay', new PyFloat(g.weight_decay)],
        ['amsgrad', false],
        ['maximize', false],
        ['foreach', null],
        ['capturable', false],
        ['differentiable', false],
        ['fused', null],
        ['initial_lr', new PyFloat(sched.base_lrs[gi])],
        ['params', params],
      ]),
    );
  });
  const optimizer = new PyDict('dict', [
    ['state', state],
    ['param_groups', groups],
  ]);

  const lrScheduler = new PyDict('dict', [
    ['step_size', sched.step_size],
    ['gamma', new PyFloat(sched.gamma)],
    ['base_lrs', sched.base_lrs.map((x) => new PyFloat(x))],
    ['last_epoch', sched.last_epoch],
    ['verbose', false],
    ['_step_count', sched.last_epoch + 1],
    ['_get_lr_called_within_step', false],
    ['_last_lr', lrs.map((x) => new PyFloat(x))],
  ]);

  // epoch: the last completed one.
  const completed = Math.floor(c.iteration / ipe);
  const into = c.iteration - completed * ipe;
  if (into > 0) {
    notes.push(`the run stopped ${into} of ${ipe} iterations into epoch ${completed}: main.py restarts epoch ${completed} from its first iteration (weights and optimiser state as they are now)`);
  }
  if (sched.last_epoch !== completed) {
    notes.push(`the LR scheduler has stepped ${sched.last_epoch} times but ${completed} epochs are complete (was the batch size or the dataset changed?)`);
  }
  if (cfg.warmup_iters > c.iteration) notes.push(`warm-up (warmup_iters ${cfg.warmup_iters}) was not over at iteration ${c.iteration}; main.py has no warm-up and continues at lr ${lrs[0]}`);

  const root = new PyDict('dict', [
    ['model', model],
    ['optimizer', optimizer],
    ['lr_scheduler', lrScheduler],
    ['epoch', completed - 1],
    ['args', officialArgs(cfg, o.job)],
  ]);
  return { root, epoch: completed - 1, lrs, widened, notes };
}
