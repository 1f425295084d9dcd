/**
 * `predict` and `loss` end to end, as a user runs them, judged by the fixture's own compare.py
 * (the acceptance checks' judge): raw outputs, detections, the loss dict and matcher indices, from
 * both weights.pth and weights.safetensors.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMPARE_PY, REPO_ROOT, SYSTEM_PYTHON, TINY_FIXTURE, hasPython, hasTinyFixture, skipReason } from '../testing/paths';

const CLI = resolve(REPO_ROOT, 'bin/detr-studio.js');
const ok = hasTinyFixture() && hasPython(['numpy', 'scipy']);
if (!ok) skipReason('CLI parity tests', 'needs ../shared/fixtures and /usr/bin/python3 with numpy + scipy');

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function compare(candidate: string, ...extra: string[]): string {
  return execFileSync(SYSTEM_PYTHON, [COMPARE_PY, TINY_FIXTURE, candidate, ...extra], { encoding: 'utf8' });
}

const F = TINY_FIXTURE;
const images = ['img_a.png', 'img_b.png', 'img_c.png', 'img_d.png'].map((f) => join(F, 'data', f));

describe.skipIf(!ok)('predict and loss against the official DETR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detr-cli-'));

  for (const weights of ['weights.pth', 'weights.safetensors']) {
    it(`predict --raw with ${weights}`, () => {
      const out = join(dir, `raw-${weights}.json`);
      const r = cli(['predict', '--config', join(F, 'config.json'), '--weights', join(F, weights), '--raw', '--out', out, '--images', ...images]);
      expect(r.status, r.stderr).toBe(0);
      expect(compare(out, '--kind', 'forward')).toMatch(/forward parity: .* OK/);
    });
  }

  it('predict (COCO results, all queries and thresholded)', () => {
    const all = join(dir, 'det.json');
    let r = cli(['predict', '--config', join(F, 'config.json'), '--weights', join(F, 'weights.safetensors'), '--out', all, '--images', ...images]);
    expect(r.status, r.stderr).toBe(0);
    expect(compare(all, '--kind', 'detections')).toMatch(/detections parity: .* OK/);
    r = cli(['predict', '--config', join(F, 'config.json'), '--weights', join(F, 'weights.safetensors'), '--threshold', '0.3', '--images', ...images]);
    expect(r.status, r.stderr).toBe(0);
    const thr = join(dir, 'det03.json');
    writeFileSync(thr, r.stdout);
    expect(compare(thr, '--kind', 'detections', '--threshold', '0.3')).toMatch(/detections parity: .* OK/);
  });

  it('loss --data (every loss key, total and matcher indices)', () => {
    const out = join(dir, 'loss.json');
    const r = cli(['loss', '--config', join(F, 'config.json'), '--weights', join(F, 'weights.pth'), '--data', join(F, 'data'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(compare(out, '--kind', 'loss')).toMatch(/loss parity: .* OK/);
  });

  it('bad input gives one clear line and a non-zero status', () => {
    const cases: [string[], RegExp][] = [
      [['predict', '--config', join(F, 'config.json'), '--weights', join(dir, 'nope.pth'), '--images', images[0]], /nope\.pth: no such file/],
      [['predict', '--config', join(F, 'config.json'), '--weights', join(F, 'config.json'), '--images', images[0]], /not a weights file/],
      [['loss', '--config', join(F, 'config.json'), '--weights', join(F, 'weights.pth'), '--data', join(dir, 'missing')], /no such file or folder/],
      [['predict', '--config', join(F, 'config.json'), '--weights', join(F, 'weights.pth'), '--images', join(dir, 'none.png')], /none\.png: no such image file/],
    ];
    const badCfg = join(dir, 'bad.json');
    writeFileSync(badCfg, JSON.stringify({ hidden_dim: '64' }));
    cases.push([['predict', '--config', badCfg, '--weights', join(F, 'weights.pth'), '--images', images[0]], /config key "hidden_dim": expected an integer/]);
    const otherCfg = join(dir, 'r50.json');
    writeFileSync(otherCfg, JSON.stringify({ backbone: 'resnet50', hidden_dim: 64, nheads: 4, enc_layers: 2, dec_layers: 2, dim_feedforward: 128, num_queries: 10, num_classes: 5 }));
    cases.push([['predict', '--config', otherCfg, '--weights', join(F, 'weights.pth'), '--images', images[0]], /shape mismatch|lack keys|keys this model does not/]);
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('note:'));
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
