/**
 * The job's files as the page zips them (buildJobFiles) and as the CLI writes them (jobEntries):
 * the official COCO layout with the images' bytes unchanged, run.sh (a valid bash script with the
 * torchrun line), README (the official commit, the class-head and >90-id notes), job.json.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { writeShapesDataset } from '../testing/shapes_dataset';
import { fakeCheckpoint } from '../testing/fake_checkpoint';
import type { Dataset } from '../data/dataset';
import { readPth } from '../weights/pth/read';
import { pyGet } from '../weights/pth/py_values';
import { officialSplit } from './coco_layout';
import { buildJobFiles, planJob } from './job_files';

const tmp = mkdtempSync(join(tmpdir(), 'job-'));
const trainDir = writeShapesDataset(join(tmp, 'train'), { count: 5, seed: 3, prefix: 'train' });
const valDir = writeShapesDataset(join(tmp, 'val'), { count: 2, seed: 4, prefix: 'val', firstId: 50 });
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('buildJobFiles', () => {
  it('holds the official layout, the checkpoint and the scripts; zips and unzips unchanged', async () => {
    const train = await loadNodeDataset(trainDir);
    const val = await loadNodeDataset(valDir);
    const files = await buildJobFiles({ checkpoint: fakeCheckpoint(4, 2, { num_classes: 4, batch_size: 2 }), train, val, gpus: 4 });
    expect([...files.keys()].slice(0, 5)).toEqual(['README.md', 'run.sh', 'config.json', 'job.json', 'checkpoint.pth']);
    expect([...files.keys()].filter((k) => k.startsWith('data/')).sort()).toEqual([
      'data/annotations/instances_train2017.json', 'data/annotations/instances_val2017.json',
      ...train.images.map((im) => `data/train2017/${im.file_name}`), ...val.images.map((im) => `data/val2017/${im.file_name}`),
    ].sort());
    for (const im of train.images) expect(files.get(`data/train2017/${im.file_name}`)).toEqual(new Uint8Array(readFileSync(join(trainDir, im.file_name))));
    const ann = JSON.parse(text(files.get('data/annotations/instances_val2017.json')!));
    expect(ann.images.map((i: { id: number }) => i.id)).toEqual([50, 51]);
    expect(ann.categories.map((c: { id: number }) => c.id)).toEqual([1, 2, 3]);
    expect(ann.annotations.every((a: Record<string, unknown>) => ['id', 'image_id', 'category_id', 'bbox', 'area', 'iscrowd'].every((k) => k in a))).toBe(true);
    const sh = text(files.get('run.sh')!);
    expect(sh).toMatch(/^torchrun --nproc_per_node=4 "\$DETR_DIR\/main.py" \\$/m);
    const job = JSON.parse(text(files.get('job.json')!));
    expect(job).toMatchObject({ iteration: 4, epoch: 1, iters_per_epoch: 2, gpus: 4, class_head_widened: true });
    const ckpt = readPth(files.get('checkpoint.pth')!).root;
    expect(pyGet(ckpt, 'epoch')).toBe(1);
    expect(pyGet(ckpt, 'args', 'world_size')).toBe(4);
    const readme = text(files.get('README.md')!);
    expect(readme).toMatch(/29901c51d7fe8712168b8d0d64351170bc0f83e0/);
    expect(readme).toMatch(/rows 4\.\.90 are impossible classes/);
    expect(readme).not.toMatch(/Category ids above 90/);
    // The page's zip: fflate takes the map as an object.
    const zipped = unzipSync(zipSync(Object.fromEntries(files)));
    expect(Object.keys(zipped).sort()).toEqual([...files.keys()].sort());
    for (const [k, v] of files) expect(zipped[k], k).toEqual(v);
    await train.source.close?.();
    await val.source.close?.();
  });

  it('run.sh is valid bash and says how to get the official code when DETR_DIR has none', async () => {
    const train = await loadNodeDataset(trainDir);
    const files = await buildJobFiles({ checkpoint: fakeCheckpoint(4, 2, { num_classes: 4 }), train });
    const dir = mkdtempSync(join(tmp, 'sh-'));
    writeFileSync(join(dir, 'run.sh'), files.get('run.sh')!);
    expect(spawnSync('bash', ['-n', join(dir, 'run.sh')]).status).toBe(0);
    const r = spawnSync('bash', [join(dir, 'run.sh')], { encoding: 'utf8', env: { ...process.env, DETR_DIR: join(dir, 'nothing') } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/git clone https:\/\/github.com\/facebookresearch\/detr .*checkout 29901c51d7fe8712168b8d0d64351170bc0f83e0/);
    // no validation split: the training images double as val2017, and the README says so
    expect([...files.keys()].filter((k) => k.startsWith('data/val2017/'))).toHaveLength(train.images.length);
    expect(text(files.get('README.md')!)).toMatch(/val2017 holds the training images/);
    await train.source.close?.();
  });

  it('more than 91 classes: no widening, and the README gives the one-line build() change', async () => {
    const train = await loadNodeDataset(trainDir);
    const plan = planJob({ checkpoint: fakeCheckpoint(4, 2, { num_classes: 120 }), train });
    expect(plan.official.widened).toBe(false);
    expect(pyGet(plan.official.root, 'model', 'class_embed.bias')).toMatchObject({ shape: [121] });
    const files = await buildJobFiles({ checkpoint: fakeCheckpoint(4, 2, { num_classes: 120 }), train });
    expect(text(files.get('README.md')!)).toMatch(/replace `num_classes = 20 if args.dataset_file != 'coco' else 91` with `num_classes = 120`/);
    await train.source.close?.();
  });

  it('refuses a dataset that does not fit the checkpoint, naming both', async () => {
    const train = await loadNodeDataset(trainDir);
    expect(() => planJob({ checkpoint: fakeCheckpoint(4, 2, { num_classes: 2 }), train })).toThrow(/category id 3 does not fit the checkpoint's num_classes 2/);
    expect(() => planJob({ checkpoint: fakeCheckpoint(4, 2, { num_classes: 4, batch_size: 8 }), train })).toThrow(/5 images are fewer than batch_size 8/);
    await train.source.close?.();
  });
});

describe('officialSplit', () => {
  it('keeps plain relative names and moves the others inside the split folder', () => {
    const ds = {
      name: 'd', source: {} as Dataset['source'], annotationsPath: 'a.json', split: null, numClasses: 2, warnings: [],
      images: [
        { id: 1, file_name: 'sub/a.png', width: 10, height: 10, path: 'sub/a.png' },
        { id: 2, file_name: '../up.png', width: null, height: null, path: 'up.png' },
        { id: 3, file_name: '/abs/b.png', width: 10, height: 10, path: 'abs/b.png' },
      ],
      annotations: new Map([[1, [{ id: 7, image_id: 1, category_id: 1, bbox: [0, 0, 2, 2] as [number, number, number, number], area: 4, iscrowd: 0 as const }]], [2, []], [3, [{ id: 7, image_id: 3, category_id: 1, bbox: [1, 1, 2, 2] as [number, number, number, number], area: 4, iscrowd: 1 as const }]]]),
      categories: [{ id: 1, name: 'x' }],
    } satisfies Dataset;
    const s = officialSplit(ds, 'train');
    expect(s.images.map((i) => i.to)).toEqual(['train2017/sub/a.png', 'train2017/2_up.png', 'train2017/3_b.png']);
    const ann = s.annotations as { images: { file_name: string; width?: number }[]; annotations: { id: number }[] };
    expect(ann.images[1]).toEqual({ id: 2, file_name: '2_up.png' });
    expect(ann.annotations.map((a) => a.id)).toEqual([7, 8]); // duplicate ids made unique for pycocotools
  });
});
