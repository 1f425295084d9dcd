/**
 * Outgrow and come back, with the official DETR (DETR_OFFICIAL_REPO: a checkout of
 * facebookresearch/detr at 29901c5; never committed here) run by Debian's python3-torch on CPU:
 *
 *   1. our CLI trains a tiny config on synthetic shapes for 2 epochs (StepLR drops after 2);
 *   2. `export-job` writes the job; main.py's own resume code loads checkpoint.pth and the state
 *      after load equals ours (weights, AdamW moments and steps by name, lrs, StepLR, start epoch);
 *   3. run.sh trains epoch 2 with main.py (launcher `python3` instead of torchrun, which needs CUDA
 *      and NCCL in main.py's distributed mode; `--device cpu --num_workers 0` appended): no error,
 *      epoch counter 2, lr 1e-5 (the drop), losses in the range of our last epoch, log.txt with our keys;
 *   4. the checkpoint.pth PyTorch 1.13 wrote imports back (moments equal to PyTorch's by name),
 *      `train --resume` continues at epoch 3, and `predict` gives PyTorch's boxes on the same image;
 *   5. util/plot_utils.plot_logs reads our log.txt and main.py's (when pandas/seaborn/matplotlib exist).
 *
 * Offline, main.py's backbone still "downloads" ImageNet weights (pretrained=True even when resuming):
 * a stand-in file in a temporary TORCH_HOME answers (--resume overwrites it). NumPy >= 1.24 removed
 * np.float, which cocoapi's COCOeval still uses: a sitecustomize in a temporary folder restores it.
 * pycocotools must be importable (e.g. PYTHONPATH=<cocoapi>/PythonAPI after building it in place).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, SYSTEM_PYTHON, hasPython, skipReason } from '../testing/paths';
import { writeShapesDataset } from '../testing/shapes_dataset';
import { decodeCheckpoint } from '../engine/checkpoint_format';
import { readPth } from '../weights/pth/read';
import { dictEntries, keyText, pyGet, type PyValue } from '../weights/pth/py_values';
import { toFloat32, type RawTensor } from '../weights/types';
import { narrowHeadTensor } from './class_head';
import { officialToCheckpoint } from './official_import';
import { parseDetrLog } from './detr_log';

const OFFICIAL = process.env.DETR_OFFICIAL_REPO;
const CLI = resolve(REPO_ROOT, 'bin/detr-studio.js');
const CHECK = resolve(REPO_ROOT, 'src/export/official_check.py');

function why(): string | undefined {
  if (!OFFICIAL) return 'DETR_OFFICIAL_REPO is not set (a checkout of facebookresearch/detr at 29901c5)';
  if (!existsSync(join(OFFICIAL, 'main.py'))) return `DETR_OFFICIAL_REPO=${OFFICIAL} has no main.py`;
  if (!hasPython(['torch', 'torchvision', 'scipy'])) return '/usr/bin/python3 lacks torch, torchvision or scipy';
  if (!hasPython(['pycocotools.coco'])) return 'pycocotools is not importable (build cocodataset/cocoapi PythonAPI in place and set PYTHONPATH)';
  return undefined;
}
const skip = why();
if (skip) skipReason('the official DETR resume / come-back tests', skip);

const CONFIG = {
  backbone: 'resnet18', hidden_dim: 32, nheads: 2, enc_layers: 1, dec_layers: 2, dim_feedforward: 64, num_queries: 8,
  num_classes: 4, dropout: 0.1, batch_size: 2, min_size: 64, max_size: 96, lr_drop: 2, epochs: 3, lr_backbone: 1e-5,
};
const ITERS_PER_EPOCH = 4; // 8 images, batch 2

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const logLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

function tensorArray(v: PyValue | undefined): Float32Array {
  return toFloat32(v as RawTensor);
}

describe.skipIf(!!skip)('outgrow: the official main.py resumes our export, and its checkpoint comes back', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'outgrow-'));
  const run = join(tmp, 'run');
  const job = join(tmp, 'job');
  const config = join(tmp, 'config.json');
  const pyenv = join(tmp, 'pyenv');
  const torchHome = join(tmp, 'torch');
  const env = { ...process.env, TORCH_HOME: torchHome, PYTHONPATH: [pyenv, process.env.PYTHONPATH].filter(Boolean).join(':'), MPLBACKEND: 'Agg' };
  const py = (args: string[]) => execFileSync(SYSTEM_PYTHON, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop()!);

  it('1-2. our run exports, and main.py\'s resume code loads exactly our state', () => {
    writeShapesDataset(join(tmp, 'train'), { count: 8, seed: 5, minSize: 64, maxSize: 96, prefix: 'train' });
    writeShapesDataset(join(tmp, 'val'), { count: 4, seed: 9, minSize: 64, maxSize: 96, prefix: 'val', firstId: 101 });
    writeFileSync(config, JSON.stringify(CONFIG));
    mkdirSync(pyenv, { recursive: true });
    writeFileSync(join(pyenv, 'sitecustomize.py'), 'import numpy as np\nif not hasattr(np, "float"):\n    np.float = float\n');
    py(['-c', `import os, torch, torchvision
w = torchvision.models.ResNet18_Weights.IMAGENET1K_V1
d = os.path.join(${JSON.stringify(torchHome)}, 'hub', 'checkpoints'); os.makedirs(d, exist_ok=True)
torch.save(torchvision.models.resnet18().state_dict(), os.path.join(d, os.path.basename(w.url)))`]);

    let r = cli(['train', '--config', config, '--data', join(tmp, 'train'), '--val', join(tmp, 'val'), '--out', run, '--max-iter', '8']);
    expect(r.status, r.stderr).toBe(0);
    r = cli(['export-job', '--run', run, '--out', job, '--gpus', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/main.py resumes at epoch 2/);
    const readme = readFileSync(join(job, 'README.md'), 'utf8');
    expect(readme).toMatch(/29901c51d7fe8712168b8d0d64351170bc0f83e0/);
    const sh = readFileSync(join(job, 'run.sh'), 'utf8');
    expect(sh).toMatch(/^torchrun --nproc_per_node=1 "\$DETR_DIR\/main.py" \\$/m);
    for (const flag of ['--coco_path "$HERE/data"', '--resume "$HERE/checkpoint.pth"', '--lr_drop 2', '--backbone resnet18', '--num_queries 8', '--dec_layers 2']) expect(sh).toContain(flag);
    expect(sh).not.toMatch(/--no_aux_loss|--pre_norm|--dilation|--masks/);
    for (const f of ['data/annotations/instances_train2017.json', 'data/annotations/instances_val2017.json', 'data/train2017/train_0001.png', 'data/val2017/val_0101.png']) expect(existsSync(join(job, f)), f).toBe(true);

    const loaded = lastJson(py([CHECK, 'loaded', OFFICIAL!, join(job, 'checkpoint.pth'), join(run, 'checkpoint_0000008.safetensors')]));
    expect(loaded.start_epoch).toBe(2);
    expect(loaded.last_epoch).toBe(2);
    expect(loaded.base_lrs).toEqual([1e-4, 1e-5]);
    expect(loaded.lrs[0]).toBeCloseTo(1e-5, 15);
    expect(loaded.lrs[1]).toBeCloseTo(1e-6, 15);
    expect(loaded.group_names_equal).toBe(true);
    expect(loaded.steps_equal).toBe(true);
    expect(loaded.max_abs).toEqual({ exp_avg: 0, exp_avg_sq: 0, weights: 0 });
    expect(loaded.impossible_moment_max).toBe(0);
  }, 120_000);

  it('3. run.sh trains the next epoch with main.py: same epoch counter, the dropped lr, losses in our range', () => {
    const sh = readFileSync(join(job, 'run.sh'), 'utf8').replace(/^torchrun --nproc_per_node=1 /m, `${SYSTEM_PYTHON} `);
    writeFileSync(join(job, 'run_cpu.sh'), sh);
    const r = spawnSync('bash', [join(job, 'run_cpu.sh'), '--device', 'cpu', '--num_workers', '0'], { encoding: 'utf8', env: { ...env, DETR_DIR: OFFICIAL } });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    // main.py's first logged iteration: "Epoch: [2]  [0/4]  eta: ...  lr: 0.000010  class_error: ...  loss: 17.2 (17.2) ..."
    const first = /Epoch: \[(\d+)\]\s+\[0\/(\d+)\].*?lr: ([\d.]+).*?loss: ([\d.]+)/.exec(r.stdout);
    expect(first, r.stdout.slice(0, 2000)).not.toBeNull();
    expect(Number(first![1])).toBe(2);
    expect(Number(first![2])).toBe(ITERS_PER_EPOCH);
    expect(Number(first![3])).toBeCloseTo(1e-5, 6);
    const ours = logLines(join(run, 'log.txt'));
    const theirs = logLines(join(job, 'output', 'log.txt'));
    expect(ours.map((l) => l.epoch)).toEqual([0, 1]);
    expect(theirs.map((l) => l.epoch)).toEqual([2]);
    expect(Object.keys(ours[1])).toEqual(Object.keys(theirs[0])); // the same log.txt schema, key order included
    expect(theirs[0].train_lr).toBeCloseTo(1e-5, 15);
    const last = ours[1].train_loss as number;
    for (const v of [Number(first![4]), theirs[0].train_loss as number]) {
      expect(v).toBeGreaterThan(0.5 * last);
      expect(v).toBeLessThan(2 * last);
    }
    // The charts read both logs alike.
    const parsed = parseDetrLog(readFileSync(join(job, 'output', 'log.txt'), 'utf8'), 'log.txt', { itersPerEpoch: ITERS_PER_EPOCH });
    expect(parsed[0]).toMatchObject({ iteration: 11, epoch: 2, lr: theirs[0].train_lr, total_loss: theirs[0].train_loss, loss_ce: theirs[0].train_loss_ce_unscaled });
    expect(parsed[0]['bbox/AP']).toBe((theirs[0].test_coco_eval_bbox as number[])[0]);
  }, 300_000);

  it('4a. the checkpoint PyTorch 1.13 wrote imports back: AdamW moments and steps by name, epoch, scheduler', () => {
    const dumpFile = join(tmp, 'dump.pth');
    py([CHECK, 'dump', OFFICIAL!, join(job, 'output', 'checkpoint.pth'), dumpFile]);
    const dump = readPth(readFileSync(dumpFile)).root;
    const ours = decodeCheckpoint(readFileSync(join(run, 'checkpoint_0000008.safetensors')));
    const root = readPth(readFileSync(join(job, 'output', 'checkpoint.pth'))).root;
    const r = officialToCheckpoint(root, { config: ours.config, paramGroups: ours.optimizer.param_groups.map((g) => g.params), trainer: ours.trainer, itersPerEpoch: ITERS_PER_EPOCH });
    const c = r.contents;
    expect(r.epoch).toBe(2);
    expect(c.iteration).toBe(12);
    expect(c.epoch).toBe(3);
    expect(c.trainer.hooks.LRScheduler).toMatchObject({ last_epoch: 3, base_lrs: [1e-4, 1e-5], step_size: 2 });
    expect((c.trainer.data as { sampler: { epoch: number; index: number } }).sampler).toMatchObject({ epoch: 3, index: 0 });
    expect(c.model.get('class_embed.weight')!.shape).toEqual([CONFIG.num_classes + 1, CONFIG.hidden_dim]);
    const names = (dictEntries(pyGet(dump, 'step')) ?? []).map(([k]) => keyText(k));
    expect(names.length).toBe(Object.keys(c.optimizer.step).length);
    for (const n of names) {
      expect(c.optimizer.step[n], n).toBe(pyGet(dump, 'step', n));
      for (const [k, mine] of [['exp_avg', c.expAvg], ['exp_avg_sq', c.expAvgSq]] as const) {
        const t = pyGet(dump, k, n) as RawTensor;
        const want = n.startsWith('class_embed.') ? narrowHeadTensor({ shape: t.shape, data: tensorArray(t) }, CONFIG.num_classes).data : tensorArray(t);
        const got = mine.get(n)!.data;
        expect(got.length, `${k} ${n}`).toBe(want.length);
        let differ = 0;
        for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) differ++;
        expect(differ, `${k} ${n}: elements that differ`).toBe(0);
      }
    }
  }, 120_000);

  it('4b. `train --resume` continues the official run here at epoch 3 with its lr', () => {
    const back = join(tmp, 'back');
    const r = cli(['train', '--config', config, '--data', join(tmp, 'train'), '--out', back, '--resume', join(job, 'output', 'checkpoint.pth'), '--max-iter', '16']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 2 done, continuing at epoch 3 \(iteration 12\)/);
    expect(r.stderr).toMatch(/class head narrowed from the official 91 classes back to num_classes 4/);
    const rows = readFileSync(join(back, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((m) => m.iteration)).toEqual([12, 13, 14, 15]);
    expect(rows.every((m) => m.epoch === 3 && Math.abs(m.lr - 1e-5) < 1e-12)).toBe(true);
    expect(logLines(join(back, 'log.txt')).map((l) => l.epoch)).toEqual([3]);
  }, 120_000);

  it('4c. `predict` with that checkpoint gives PyTorch\'s boxes, scores and labels on the same image', () => {
    const image = join(tmp, 'val', 'val_0101.png');
    const ref = lastJson(py([CHECK, 'predict', OFFICIAL!, join(job, 'output', 'checkpoint.pth'), image, String(CONFIG.min_size), String(CONFIG.max_size)]));
    const out = join(tmp, 'pred.json');
    const r = cli(['predict', '--config', config, '--weights', join(job, 'output', 'checkpoint.pth'), '--images', image, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const dets = JSON.parse(readFileSync(out, 'utf8')) as { category_id: number; bbox: number[]; score: number }[];
    expect(dets).toHaveLength(CONFIG.num_queries);
    const [h, w] = ref.size as [number, number];
    const atol = 1e-4 * Math.max(h, w);
    dets.forEach((d, q) => {
      expect(d.category_id, `query ${q}`).toBe(ref.labels[q]);
      expect(Math.abs(d.score - ref.scores[q]), `query ${q} score`).toBeLessThanOrEqual(1e-4 + 1e-3 * ref.scores[q]);
      const [x0, y0, x1, y1] = ref.boxes[q] as number[];
      [x0, y0, x1 - x0, y1 - y0].forEach((v, i) => expect(Math.abs(d.bbox[i] - v), `query ${q} bbox[${i}]`).toBeLessThanOrEqual(atol + 1e-3 * Math.abs(v)));
    });
  }, 120_000);

  const plots = hasPython(['pandas', 'seaborn', 'matplotlib']);
  it.skipIf(!plots)('5. the official plot_logs reads our log.txt and main.py\'s', () => {
    const out = py(['-c', `import sys; sys.path.insert(0, ${JSON.stringify(OFFICIAL)})
from pathlib import Path
import matplotlib.pyplot as plt
from util.plot_utils import plot_logs
plot_logs([Path(${JSON.stringify(run)}), Path(${JSON.stringify(join(job, 'output'))})])
plt.savefig(${JSON.stringify(join(tmp, 'plot.png'))})
ax = plt.gcf().axes
print([len(a.get_lines()) for a in ax])`]);
    // class_error and loss_bbox_unscaled: train + test line per log; mAP: one line per log
    expect(out.trim().split('\n').pop()).toBe('[4, 4, 2]');
  }, 60_000);
  if (!plots) skipReason('plot_logs on the exported log.txt', '/usr/bin/python3 lacks pandas, seaborn or matplotlib (apt-get install python3-pandas python3-seaborn python3-matplotlib)');
});
