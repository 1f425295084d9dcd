/**
 * `detr-studio eval` as a user runs it: on every committed pycocotools case (src/eval/testdata,
 * stats made by pycocotools itself) the 12 stats agree to 1e-4; with --config/--weights it equals
 * `predict` followed by `eval --detections`; bad input is one clear line.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, TINY_FIXTURE, hasTinyFixture } from '../testing/paths';
import { COCO_STAT_NAMES } from '../eval/coco_types';

const CLI = resolve(REPO_ROOT, 'bin/detr-studio.js');
const CASES = resolve(REPO_ROOT, 'src/eval/testdata');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('detr-studio eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detr-eval-'));
  const cases = readdirSync(CASES).filter((f) => f.endsWith('.json') && !f.startsWith('bug_'));

  it(`equals pycocotools on ${cases.length} generated cases`, () => {
    expect(cases.length).toBeGreaterThan(5);
    for (const f of cases) {
      const c = JSON.parse(readFileSync(join(CASES, f), 'utf8'));
      const gt = join(dir, `${f}.gt.json`);
      const dts = join(dir, `${f}.dts.json`);
      // COCO files name every image; these generated cases only give ids and sizes.
      const images = c.gt.images.map((im: { id: number }) => ({ file_name: `${im.id}.jpg`, ...im }));
      writeFileSync(gt, JSON.stringify({ ...c.gt, images }));
      writeFileSync(dts, JSON.stringify(c.dts));
      const r = cli(['eval', '--data', gt, '--detections', dts]);
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
      const got = JSON.parse(r.stdout);
      expect(Object.keys(got)).toEqual([...COCO_STAT_NAMES]);
      COCO_STAT_NAMES.forEach((k, i) => expect(Math.abs(got[k] - c.expected.stats[i]), `${f} ${k}`).toBeLessThanOrEqual(1e-4));
    }
  });

  it.skipIf(!hasTinyFixture())('with --config/--weights equals predict + eval --detections', () => {
    const F = TINY_FIXTURE;
    const base = ['--config', join(F, 'config.json'), '--weights', join(F, 'weights.safetensors')];
    const model = cli(['eval', '--data', join(F, 'data'), ...base, '--per-category']);
    expect(model.status, model.stderr).toBe(0);
    const images = ['img_a.png', 'img_b.png', 'img_c.png', 'img_d.png'].map((f) => join(F, 'data', f));
    const dets = join(dir, 'fixture_dets.json');
    const p = cli(['predict', ...base, '--out', dets, '--images', ...images]);
    expect(p.status, p.stderr).toBe(0);
    const viaFile = cli(['eval', '--data', join(F, 'data'), '--detections', dets]);
    expect(viaFile.status, viaFile.stderr).toBe(0);
    const a = JSON.parse(model.stdout);
    const b = JSON.parse(viaFile.stdout);
    for (const k of COCO_STAT_NAMES) expect(a[k], k).toBeCloseTo(b[k], 9);
    expect(a.per_category.map((c: { id: number }) => c.id)).toEqual([1, 3, 4]);
  });

  it('refuses bad input with one line', () => {
    const gt = join(dir, 'gt.json');
    writeFileSync(gt, JSON.stringify({ images: [{ id: 1, file_name: 'a.png', width: 10, height: 10 }], annotations: [], categories: [{ id: 1, name: 'x' }] }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ image_id: 1, category_id: 1, bbox: [0, 0, 1], score: 0.5 }]));
    for (const [args, re] of [
      [['eval', '--data', gt, '--detections', bad], /entry 0: bbox must be \[x, y, w, h\]/],
      [['eval', '--data', gt, '--detections', join(dir, 'none.json')], /none\.json: no such file/],
      [['eval', '--data', gt], /give either --detections or --config/],
    ] as [string[], RegExp][]) {
      const r = cli(args);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0]).toMatch(re);
    }
  });
});
