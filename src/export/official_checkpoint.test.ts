/**
 * Our checkpoint -> main.py's checkpoint dict -> .pth -> back: exact round trip of weights, moments,
 * steps, lrs and schedule; epoch semantics (checkpoint['epoch'] is the last completed epoch); and,
 * with /usr/bin/python3 + torch, PyTorch's own AdamW/StepLR load_state_dict take the file and step.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointContents } from '../engine/checkpoint_format';
import { fakeCheckpoint } from '../testing/fake_checkpoint';
import { readPth } from '../weights/pth/read';
import { writePth } from '../weights/pth/write';
import { pyGet, toPlain } from '../weights/pth/py_values';
import { concatParts } from '../weights/safetensors';
import { SYSTEM_PYTHON, hasPython, skipReason } from '../testing/paths';
import { toOfficialCheckpoint } from './official_checkpoint';
import { officialToCheckpoint } from './official_import';

const C = 3;

function roundTrip(c: CheckpointContents, ipe: number) {
  const off = toOfficialCheckpoint(c, { itersPerEpoch: ipe });
  const bytes = concatParts(writePth(off.root, { stem: 'checkpoint' }));
  const root = readPth(bytes).root;
  const template = { config: c.config, paramGroups: c.optimizer.param_groups.map((g) => g.params), trainer: { ...c.trainer, iteration: 0 }, itersPerEpoch: ipe };
  return { off, bytes, root, back: officialToCheckpoint(root, template) };
}

describe('official checkpoint export/import', () => {
  it('at an epoch end: epoch = completed - 1, lrs from StepLR, head widened, and everything comes back exactly', () => {
    const c = fakeCheckpoint(8, 4); // 2 epochs done; StepLR(2) has dropped once
    const { off, root, back } = roundTrip(c, 4);
    expect(off.epoch).toBe(1);
    expect(off.notes).toEqual([]);
    expect(pyGet(root, 'epoch')).toBe(1);
    expect(toPlain(pyGet(root, 'lr_scheduler')!)).toEqual({
      step_size: 2, gamma: 0.1, base_lrs: [1e-4, 1e-5], last_epoch: 2, verbose: false, _step_count: 3, _get_lr_called_within_step: false, _last_lr: [1e-4 * 0.1, 1e-5 * 0.1],
    });
    const groups = toPlain(pyGet(root, 'optimizer', 'param_groups')!) as Record<string, unknown>[];
    expect(groups.map((g) => g.params)).toEqual([[0, 1, 2, 3], [4]]);
    expect(groups[0]).toMatchObject({ lr: 1e-4 * 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-4, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: null, initial_lr: 1e-4 });
    expect(Object.keys(toPlain(pyGet(root, 'optimizer', 'state')!) as object)).toEqual(['0', '1', '2', '4']); // query_embed (index 3) has not stepped
    expect(toPlain(pyGet(root, 'model', 'class_embed.weight')!)).toEqual({ dtype: 'float32', shape: [92, 2] });
    expect(toPlain(pyGet(root, 'optimizer', 'state', 1, 'step')!)).toEqual({ dtype: 'float32', shape: [] });
    const args = toPlain(pyGet(root, 'args')!) as Record<string, unknown>;
    expect(args).toMatchObject({ lr: 1e-4, lr_drop: 2, aux_loss: true, masks: false, dataset_file: 'coco', num_workers: 2 });

    const r = back.contents;
    expect(back.epoch).toBe(1);
    expect(r.iteration).toBe(8);
    expect(r.epoch).toBe(2);
    expect(r.model).toEqual(c.model);
    expect(r.expAvg).toEqual(c.expAvg);
    expect(r.expAvgSq).toEqual(c.expAvgSq);
    expect(r.optimizer.step).toEqual(Object.fromEntries(Object.entries(c.optimizer.step).filter(([, s]) => s > 0)));
    expect(r.optimizer.param_groups.map((g) => g.params)).toEqual(c.optimizer.param_groups.map((g) => g.params));
    expect(r.trainer.hooks.LRScheduler).toEqual(c.trainer.hooks.LRScheduler);
    expect((r.trainer.data as { sampler: object }).sampler).toEqual({ epoch: 2, index: 0, seed: 42 });
    expect(back.notes.some((n) => /narrowed .* back to num_classes 3/.test(n))).toBe(true);
  });

  it('inside an epoch: exported as of the last completed epoch, with a note', () => {
    const { off, back } = roundTrip(fakeCheckpoint(10, 4), 4);
    expect(off.epoch).toBe(1);
    expect(off.notes.join('\n')).toMatch(/stopped 2 of 4 iterations into epoch 2: main.py restarts epoch 2/);
    expect(back.contents.iteration).toBe(8);
  });

  it('before the first epoch ends: epoch -1 (main.py starts at 0)', () => {
    expect(toOfficialCheckpoint(fakeCheckpoint(3, 4), { itersPerEpoch: 4 }).epoch).toBe(-1);
  });

  it('refuses a weights-only .pth and a model whose param groups differ, naming the problem', () => {
    const { root } = roundTrip(fakeCheckpoint(8, 4), 4);
    const c = fakeCheckpoint(8, 4);
    const t = { config: c.config, paramGroups: [c.optimizer.param_groups[0].params, []], trainer: c.trainer, itersPerEpoch: 4 };
    expect(() => officialToCheckpoint(root, t, 'ck.pth')).toThrow(/ck.pth: optimizer param group 1 has 1 parameters, this model's has 0 \(check lr_backbone/);
    const weightsOnly = readPth(concatParts(writePth({ model: {} }))).root;
    expect(() => officialToCheckpoint(weightsOnly, t, 'w.pth')).toThrow(/w.pth: not a training checkpoint of the official main.py .*--weights/);
  });

  const torchOk = hasPython(['torch']);
  if (!torchOk) skipReason('PyTorch loading the exported optimizer/scheduler state', '/usr/bin/python3 has no torch');
  it.skipIf(!torchOk)('PyTorch: AdamW.load_state_dict and StepLR.load_state_dict take it as main.py does, and AdamW steps on', () => {
    const c = fakeCheckpoint(8, 4);
    const { bytes } = roundTrip(c, 4);
    const file = join(mkdtempSync(join(tmpdir(), 'ock-')), 'checkpoint.pth');
    writeFileSync(file, bytes);
    const py = `
import json, sys, torch
ck = torch.load(sys.argv[1], map_location='cpu')
sd = ck['model']
g0 = ['transformer.encoder.layers.0.linear1.weight', 'class_embed.weight', 'class_embed.bias', 'query_embed.weight']
g1 = ['backbone.0.body.layer2.0.conv1.weight']
P = {n: torch.nn.Parameter(sd[n].clone()) for n in g0 + g1}
opt = torch.optim.AdamW([{'params': [P[n] for n in g0]}, {'params': [P[n] for n in g1], 'lr': 1e-5}], lr=1e-4, weight_decay=1e-4)
sch = torch.optim.lr_scheduler.StepLR(opt, 2)
opt.load_state_dict(ck['optimizer']); sch.load_state_dict(ck['lr_scheduler'])
out = {'epoch': ck['epoch'], 'args_type': type(ck['args']).__name__, 'lrs': [g['lr'] for g in opt.param_groups],
       'steps': {n: float(opt.state[P[n]]['step']) for n in P if P[n] in opt.state},
       'exp_avg_head': opt.state[P['class_embed.bias']]['exp_avg'].tolist(),
       'bias': sd['class_embed.bias'].tolist()}
for p in P.values(): p.grad = torch.ones_like(p)
opt.step(); sch.step()
out['after'] = {'lrs': [g['lr'] for g in opt.param_groups], 'last_epoch': sch.last_epoch, 'steps': {n: float(opt.state[P[n]]['step']) for n in P}}
print(json.dumps(out))`;
    const r = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', py, file], { encoding: 'utf8' }));
    expect(r.epoch).toBe(1);
    expect(r.args_type).toBe('dict');
    expect(r.lrs[0]).toBeCloseTo(1e-5, 15);
    expect(r.lrs[1]).toBeCloseTo(1e-6, 15);
    expect(r.steps).toEqual({ 'transformer.encoder.layers.0.linear1.weight': 8, 'class_embed.weight': 8, 'class_embed.bias': 8, 'backbone.0.body.layer2.0.conv1.weight': 8 });
    const m = c.expAvg.get('class_embed.bias')!.data;
    expect(r.exp_avg_head).toEqual([...Array.from(m.subarray(0, C)).map((x) => Math.fround(x)), ...new Array(91 - C).fill(0), Math.fround(m[C])]);
    expect(r.bias.slice(C, 91).every((b: number) => b === -1e4)).toBe(true);
    expect(r.after.last_epoch).toBe(3);
    expect(r.after.steps['query_embed.weight']).toBe(1);
    expect(r.after.steps['class_embed.weight']).toBe(9);
  });
});
