/**
 * `detr-studio inspect` end to end (the real CLI in a child process) on the fixture and on datasets
 * generated here: counts, warnings, exit status and the one-line refusals.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TINY_FIXTURE, hasTinyFixture } from '../testing/paths';
import { makeJpeg, makePng, tempDir, writeDataset, writeZip } from '../testing/make_dataset';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function inspect(...args: string[]): Run {
  try {
    const stdout = execFileSync(process.execPath, [resolve(REPO_ROOT, 'bin/detr-studio.js'), 'inspect', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

const box = (id: number, image_id: number, bbox: unknown, extra = {}) => ({ id, image_id, category_id: 1, bbox, area: 25, iscrowd: 0, ...extra });

describe('detr-studio inspect', () => {
  it.skipIf(!hasTinyFixture())('counts the fixture: 4 images, 7 training boxes, 3 categories', () => {
    const r = inspect('--data', resolve(TINY_FIXTURE, 'data'));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['images', 'annotations', 'categories', 'warnings']);
    expect([out.images, out.annotations, out.categories]).toEqual([4, 7, 3]);
    expect(out.warnings).toEqual(['annotation id 105 (img_b.png): bbox has zero width: never a training target']);
  });

  it('reports a quirky zipped dataset: broken boxes, bad files, formats, warnings naming each', () => {
    const dir = tempDir();
    const png = makePng(24, 16, 1);
    const files = writeDataset(dir, {
      images: [
        { id: 0, file_name: 'imgs/zero id.png', width: 24, height: 16, bytes: png },
        { id: 3, file_name: 'imgs/grey.jpg', width: 16, height: 16, bytes: makeJpeg(16, 16, 2, 8) },
        { id: 4, file_name: 'imgs/gone.png', width: 16, height: 16 },
        { id: 6, file_name: 'imgs/cut.png', width: 24, height: 16, bytes: png.subarray(0, 50) },
      ],
      annotations: [
        box(0, 0, [1, 1, 5, 5]),
        box(1, 0, [1, 1, 5, 5], { iscrowd: 1 }),
        box(2, 0, null),
        box(3, 3, [2, 2, 0, 4]),
        box(4, 3, [2, 2, 4, 4], { category_id: 0 }),
        box(5, 6, [2, 2, 4, 4]),
        box(6, 77, [2, 2, 4, 4]),
      ],
      categories: [{ id: 0, name: 'objects' }, { id: 1, name: 'thing' }],
    });
    const zip = join(dir, 'quirky dataset.zip');
    writeZip(zip, files);
    const r = inspect('--data', zip);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.images, out.annotations, out.categories]).toEqual([2, 2, 2]);
    const text = out.warnings.join('\n');
    for (const s of ['annotation id 2 (imgs/zero id.png): bbox is null', 'annotation id 3 (imgs/grey.jpg): bbox has zero width', 'annotation id 6: image_id 77', 'imgs/gone.png: image file not found', 'imgs/cut.png: truncated PNG', 'imgs/grey.jpg: EXIF orientation 8']) {
      expect(text).toContain(s);
    }
  });

  it('reads a Roboflow export (train split by default, --split valid)', () => {
    const dir = tempDir();
    for (const [split, n] of [['train', 3], ['valid', 2]] as const) {
      writeDataset(dir, {
        annotationsPath: `${split}/_annotations.coco.json`,
        images: Array.from({ length: n }, (_, i) => ({ id: i, file_name: `${i}.jpg`, width: 8, height: 8, bytes: makeJpeg(8, 8, i) })),
        annotations: Array.from({ length: n }, (_, i) => box(i, i, [1, 1, 3, 3])),
      });
    }
    expect(JSON.parse(inspect('--data', dir).stdout).images).toBe(3);
    expect(JSON.parse(inspect('--data', dir, '--split', 'valid').stdout)).toMatchObject({ images: 2, annotations: 2 });
  });

  it.each([
    ['invalid JSON', '{"images": [1, 2,, ]}', /^detr-studio inspect: .*annotations\.json: not valid JSON \(.*line 1, column \d+\)$/],
    ['an empty file', '', /annotations\.json: the file is empty/],
    ['JSON that is not COCO', '{"model": {}, "epoch": 3}', /not a COCO annotations file: expected an object with "images".*got an object with keys "model", "epoch"/],
    ['no usable image', '{"images": [{"id": 1, "file_name": "a.png"}], "annotations": []}', /no usable image: none of the 1 image files/],
  ])('refuses %s: exit 1, one line on stderr', (_what, json, re) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'annotations.json'), json);
    const r = inspect('--data', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
  });

  it('is a usage error (exit 2) without --data', () => {
    const r = inspect();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --data');
  });

  it('prints its usage on stdout with --help (exit 0)', () => {
    const r = inspect('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: detr-studio inspect --data DATASET/);
  });
});
