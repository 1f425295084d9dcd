/**
 * `train` end to end, as a user runs it: parity with the official DETR training on the tiny fixture
 * (judged by the fixture's compare.py: one step, step-1 gradients, a 5-iteration trajectory), an
 * exact resume with the real data pipeline (augmentation and dropout on), and clear errors.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMPARE_PY, REPO_ROOT, SYSTEM_PYTHON, TINY_FIXTURE, hasPython, hasTinyFixture, skipReason } from '../testing/paths';
import { readSafetensors } from '../weights/safetensors';
import { expectClose } from '../testing/expect_close';

const CLI = resolve(REPO_ROOT, 'bin/detr-studio.js');
const F = TINY_FIXTURE;
const SAMPLE = resolve(REPO_ROOT, 'public/sample/train');
const ok = hasTinyFixture() && hasPython(['numpy']);
if (!ok) skipReason('train CLI parity tests', 'needs ../shared/fixtures and /usr/bin/python3 with numpy');

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'train', ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function compare(candidate: string, kind: string): string {
  return execFileSync(SYSTEM_PYTHON, [COMPARE_PY, F, candidate, '--kind', kind], { encoding: 'utf8' });
}

const metrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
const weightsOf = (file: string) => readSafetensors(new Uint8Array(readFileSync(file)), file).tensors;

describe.skipIf(!ok)('train against the official DETR training', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'detr-train-'));
  const base = ['--config', join(F, 'config.json'), '--data', join(F, 'data'), '--weights', join(F, 'weights.safetensors')];

  it('--max-iter 1: model_final is the official step; the dumped gradients are the official ones', () => {
    const out = join(tmp, 'one');
    const grads = join(tmp, 'grads.safetensors');
    const r = cli([...base, '--max-iter', '1', '--out', out, '--dump-grads', grads]);
    expect(r.status, r.stderr).toBe(0);
    expect(compare(join(out, 'model_final.safetensors'), 'step')).toMatch(/step parity: .* OK/);
    expect(compare(grads, 'grads')).toMatch(/grads parity: .* OK/);
  });

  it('--max-iter 5 with --val: the loss trajectory is the official one, evaluation at each epoch end', () => {
    const out = join(tmp, 'five');
    const r = cli([...base, '--max-iter', '5', '--out', out, '--val', join(F, 'data')]);
    expect(r.status, r.stderr).toBe(0);
    expect(compare(join(out, 'metrics.jsonl'), 'train')).toMatch(/train parity: .* OK/);
    const rows = metrics(out);
    expect(rows.map((m) => m.iteration)).toEqual([0, 1, 2, 3, 4]);
    for (const m of rows) {
      // one iteration = one epoch on the fixture: COCO evaluation after every iteration
      expect(m['bbox/AP'], `iteration ${m.iteration}`).toBeGreaterThanOrEqual(0);
      for (const k of ['epoch', 'lr', 'lr_backbone', 'total_loss', 'loss_ce', 'loss_giou_0', 'class_error', 'cardinality_error', 'grad_norm', 'time', 'data_time']) expect(m, k).toHaveProperty(k);
    }
    expect(readFileSync(join(out, 'last_checkpoint'), 'utf8').trim()).toBe('checkpoint_0000005.safetensors');
    expect(existsSync(join(out, 'checkpoint_0000005.safetensors'))).toBe(true);
  });
});

describe('train: exact resume through the data pipeline', () => {
  it('6 iterations straight = 3 + --resume + 3 (augmentation, shuffling and dropout on)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'detr-resume-'));
    const config = join(tmp, 'config.json');
    writeFileSync(config, JSON.stringify({
      backbone: 'resnet18', hidden_dim: 32, nheads: 2, enc_layers: 1, dec_layers: 2, dim_feedforward: 64, num_queries: 8,
      num_classes: 4, dropout: 0.1, augment: true, batch_size: 2, min_size: 64, max_size: 96, lr_drop: 2, warmup_iters: 2,
    }));
    const straight = join(tmp, 'straight');
    const split = join(tmp, 'split');
    const args = ['--config', config, '--data', SAMPLE, '--seed', '3'];
    let r = cli([...args, '--max-iter', '6', '--out', straight]);
    expect(r.status, r.stderr).toBe(0);
    r = cli([...args, '--max-iter', '3', '--out', split]);
    expect(r.status, r.stderr).toBe(0);
    r = cli([...args, '--max-iter', '6', '--out', split, '--resume', split]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resumed .*checkpoint_0000003.safetensors at iteration 3/);
    const a = metrics(straight);
    const b = metrics(split);
    expect(b.map((m) => m.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 0; i < 6; i++) {
      for (const k of Object.keys(a[i]).filter((k) => k.startsWith('loss_') || k === 'total_loss' || k === 'lr' || k === 'grad_norm')) {
        expectClose([b[i][k]], [a[i][k]], 1e-5, 1e-7, `iteration ${i} ${k}`);
      }
    }
    const wa = weightsOf(join(straight, 'model_final.safetensors'));
    const wb = weightsOf(join(split, 'model_final.safetensors'));
    expect([...wb.keys()]).toEqual([...wa.keys()]);
    for (const [k, t] of wa) expectClose(wb.get(k)!.data as Float32Array, t.data as Float32Array, 1e-5, 1e-7, k);
  });
});

describe.skipIf(!hasTinyFixture())('train: bad input', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'detr-bad-'));
  it.each([
    [['--resume', join(F, 'weights.safetensors')], /^detr-studio train: .*weights.safetensors: not a detr-studio training checkpoint .*--weights/],
    [['--resume', join(tmp, 'nothing')], /^detr-studio train: --resume .*nothing: no such file or folder/],
    [['--max-iter', 'x'], /^detr-studio train: --max-iter expects an integer, got "x"/],
  ])('%j -> one clear line', (extra, message) => {
    const r = cli(['--config', join(F, 'config.json'), '--data', join(F, 'data'), '--out', join(tmp, 'o'), ...extra]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a dataset whose category ids do not fit num_classes', () => {
    const config = join(tmp, 'small.json');
    writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(join(F, 'config.json'), 'utf8')), num_classes: 3 }));
    const r = cli(['--config', config, '--data', join(F, 'data'), '--out', join(tmp, 'o2')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--data .*: category id 4 does not fit num_classes 3 .*"num_classes": 5/);
  });
});
