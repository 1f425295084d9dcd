/**
 * `train` leaves what `export-job` needs (run.json, log.txt, a TensorBoard event file with every
 * scalar of metrics.jsonl), and `export-job` turns the run into a job folder; bad input gets one
 * clear line. (The official main.py running the job: src/export/official_roundtrip.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../testing/paths';
import { writeShapesDataset } from '../testing/shapes_dataset';
import { decodeEvent, readRecords } from '../testing/tfevents_decode';
import { readPth } from '../weights/pth/read';
import { pyGet } from '../weights/pth/py_values';
import { writePth } from '../weights/pth/write';
import { concatParts } from '../weights/safetensors';

const CLI = resolve(REPO_ROOT, 'bin/detr-studio.js');
function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'export-job-'));
const data = writeShapesDataset(join(tmp, 'train'), { count: 4, seed: 2, minSize: 64, maxSize: 80, prefix: 'train' });
const config = join(tmp, 'config.json');
writeFileSync(config, JSON.stringify({ backbone: 'resnet18', hidden_dim: 16, nheads: 2, enc_layers: 1, dec_layers: 1, dim_feedforward: 32, num_queries: 4, num_classes: 4, batch_size: 2, min_size: 64, max_size: 80, lr_backbone: 0 }));
const run = join(tmp, 'run');

describe('train -> export-job', () => {
  it('train writes run.json, log.txt per epoch and a TensorBoard file with every metrics.jsonl scalar', () => {
    const r = cli(['train', '--config', config, '--data', data, '--out', run, '--max-iter', '3']);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    expect(rec).toMatchObject({ format: 'detr-studio-run', data: resolve(data), val: null });
    expect(rec.config.hidden_dim).toBe(16);
    const log = readFileSync(join(run, 'log.txt'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((l) => l.epoch)).toEqual([0]); // 2 iterations per epoch: epoch 1 is unfinished
    const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(log[0].train_loss).toBeCloseTo((metrics[0].total_loss + metrics[1].total_loss) / 2, 10);
    const ev = readdirSync(run).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(ev).toHaveLength(1);
    const events = readRecords(new Uint8Array(readFileSync(join(run, ev[0])))).map(decodeEvent);
    expect(events[0].fileVersion).toBe('brain.Event:2');
    for (const m of metrics) {
      const e = events.find((x) => x.step === m.iteration && x.scalars.length)!;
      const got = Object.fromEntries(e.scalars.map((s) => [s.tag, s.value]));
      for (const [k, v] of Object.entries(m)) if (k !== 'iteration') expect(got[k], `${k} at ${m.iteration}`).toBe(Math.fround(v));
    }
  }, 120_000);

  it('export-job writes the job; the checkpoint resumes main.py at the next epoch', () => {
    const job = join(tmp, 'job');
    const r = cli(['export-job', '--run', run, '--out', job, '--gpus', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: the run stopped 1 of 2 iterations into epoch 1: main.py restarts epoch 1/);
    expect(r.stderr).toMatch(/note: no validation split/);
    expect(statSync(join(job, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(job, 'run.sh'), 'utf8')).toMatch(/torchrun --nproc_per_node=2 .*\n(.*\n)*\s+--lr_backbone 0 \\\n/);
    const root = readPth(new Uint8Array(readFileSync(join(job, 'checkpoint.pth')))).root;
    expect(pyGet(root, 'epoch')).toBe(0);
    expect((pyGet(root, 'optimizer', 'param_groups', 1, 'params') as number[]).length).toBe(0); // lr_backbone 0: frozen backbone, empty group
    for (const f of ['README.md', 'config.json', 'job.json', 'data/annotations/instances_train2017.json', 'data/train2017/train_0001.png', 'data/val2017/train_0001.png']) {
      expect(existsSync(join(job, f)), f).toBe(true);
    }
  }, 120_000);

  it.each([
    [['--run', join(tmp, 'none'), '--out', join(tmp, 'j1')], /^detr-studio export-job: --run .*none: no such folder$/],
    [['--run', run, '--out', run], /^detr-studio export-job: --out .*run: already exists and is not an empty folder/],
    [['--run', run, '--out', join(tmp, 'j2'), '--gpus', '0'], /^detr-studio export-job: --gpus expects a positive integer, got 0$/],
    [['--run', tmp, '--out', join(tmp, 'j3')], /^detr-studio export-job: --run .*: no last_checkpoint \(train the run first, or give --checkpoint\)$/],
  ])('%j -> one clear line', (args, message) => {
    const r = cli(['export-job', ...args]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('train --resume refuses a weights-only .pth with one clear line', () => {
    const file = join(tmp, 'weights_only.pth');
    writeFileSync(file, concatParts(writePth({ model: { 'class_embed.bias': { dtype: 'float32', shape: [5], data: new Float32Array(5) } } })));
    const r = cli(['train', '--config', config, '--data', data, '--out', join(tmp, 'o'), '--resume', file]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^detr-studio train: .*weights_only.pth: a .pth without optimizer, lr_scheduler and epoch is weights only: give it to --weights, not --resume$/);
  });

  it('a run folder without run.json needs --data', () => {
    const old = join(tmp, 'old');
    mkdirSync(old);
    for (const f of readdirSync(run).filter((f) => /checkpoint/.test(f))) writeFileSync(join(old, f), readFileSync(join(run, f)));
    const r = cli(['export-job', '--run', old, '--out', join(tmp, 'j4')]);
    expect(r.stderr.trim()).toMatch(/^detr-studio export-job: --run .*old: no run.json saying where the run's data is \(runs trained before it existed: give --data and --val\)$/);
    expect(cli(['export-job', '--run', old, '--out', join(tmp, 'j5'), '--data', data]).status).toBe(0);
  }, 60_000);
});
